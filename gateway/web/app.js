// Plex Kiosk: the page served by kiosk-gateway at "/". Plain JavaScript, no
// build step, talking only to the public REST API under /api/v1 (the same
// one every other client uses).
//
// Security: the access token lives in memory only; the refresh token is an
// HttpOnly SameSite=Strict cookie the gateway sets for requests marked
// "X-Kiosk-Client: web" (see gateway/web_session.h), so no script can read a
// long-lived credential. Every text from the API goes into the page through
// textContent (the h() helper), never as HTML: a title such as
// "<img onerror=...>" renders as text. The Content-Security-Policy allows no
// inline script.
"use strict";

// ------------------------------------------------------------------ i18n
const MESSAGES = {
  fr: {
    appName: "Plex Kiosk", title: "Titre", login: "Connexion", username: "Nom d'utilisateur", password: "Mot de passe",
    signIn: "Se connecter", logout: "Déconnexion", badLogin: "Identifiants refusés.",
    changePassword: "Changer le mot de passe", mustChange: "Choisissez un nouveau mot de passe avant de continuer.",
    currentPassword: "Mot de passe actuel", newPassword: "Nouveau mot de passe", confirmPassword: "Confirmer",
    passwordsDiffer: "Les deux mots de passe diffèrent.", save: "Enregistrer", cancel: "Annuler",
    search: "Recherche", searchPlaceholder: "Un film ou une série, en français ou en anglais",
    any: "Tout", movie: "Film", tv: "Série", noResults: "Aucun résultat.",
    inPlex: "Dans Plex", requested: "Demandé", requestable: "Disponible à la demande",
    request: "Demander", requestTitle: "Demander", language: "Langue", french: "Français (VF)",
    english: "Anglais (VA)", original: "Version originale (VO)", seasons: "Saisons", allSeasons: "Toutes",
    quotaLeft: "Demandes restantes", unlimited: "illimité", requestSent: "Demande envoyée.",
    myRequests: "Mes demandes", noRequests: "Aucune demande.", status: "Statut", progress: "Progression",
    added: "Ajoutée", eta: "Reste", speed: "Débit",
    admin: "Administration", pending: "À valider", allRequests: "Toutes les demandes", users: "Utilisateurs",
    settings: "Réglages", jobs: "Tâches", transfers: "Transferts",
    approve: "Approuver", decline: "Refuser", reason: "Motif", attachRelease: "Lier une release",
    release: "Lien magnet ou URL .torrent", user: "Utilisateur", role: "Rôle", active: "Actif",
    autoApprove: "Validation auto", create: "Créer", email: "E-mail", resetPassword: "Nouveau mot de passe",
    deactivate: "Désactiver", activate: "Activer", adminRole: "admin", userRole: "utilisateur",
    movieQuota: "Quota films", tvQuota: "Quota séries", perDays: "jours", notSet: "(non défini)",
    secret: "secret", saved: "Enregistré.", kind: "Type", attempts: "Essais", lastError: "Dernière erreur",
    retry: "Relancer", runNow: "Lancer", schedules: "Tâches périodiques", nextRun: "Prochaine",
    lastRun: "Dernière", service: "Service", offline: "L'API ne répond pas : vérifiez que plex-kiosk tourne. Nouvel essai automatique…",
    forbidden: "Accès refusé.", cancelRequest: "Annuler la demande", filter: "Filtrer", refresh: "Actualiser",
    preview: "Aperçu", renaming: "Renommage", folderFormat: "Dossier", seasonFolderFormat: "Dossier de saison",
    fileFormat: "Fichier", colonMode: "Deux-points", transferMode: "Transfert", libraryRoot: "Bibliothèque",
    onExisting: "Fichier déjà présent", sampleRelease: "Nom de release d'exemple", quota: "Quota",
    source: "Source", destination: "Destination", mode: "Mode", size: "Taille",
    stages: { awaiting_release: "en attente d'une release", queued: "en file", downloading: "téléchargement",
      stalled: "bloqué", importing: "import", available: "disponible" },
    statuses: { pending: "en attente", approved: "approuvée", declined: "refusée", processing: "en cours",
      downloading: "téléchargement", importing: "import", available: "disponible",
      partially_available: "partiellement disponible", failed: "échec", cancelled: "annulée" },
  },
  en: {
    appName: "Plex Kiosk", title: "Title", login: "Sign in", username: "Username", password: "Password",
    signIn: "Sign in", logout: "Sign out", badLogin: "Sign-in refused.",
    changePassword: "Change password", mustChange: "Choose a new password before going on.",
    currentPassword: "Current password", newPassword: "New password", confirmPassword: "Confirm",
    passwordsDiffer: "The two passwords differ.", save: "Save", cancel: "Cancel",
    search: "Search", searchPlaceholder: "A film or a series, in French or English",
    any: "All", movie: "Film", tv: "Series", noResults: "No results.",
    inPlex: "In Plex", requested: "Requested", requestable: "Can be requested",
    request: "Request", requestTitle: "Request", language: "Language", french: "French (VF)",
    english: "English", original: "Original version (VO)", seasons: "Seasons", allSeasons: "All",
    quotaLeft: "Requests left", unlimited: "unlimited", requestSent: "Request sent.",
    myRequests: "My requests", noRequests: "No requests.", status: "Status", progress: "Progress",
    added: "Added", eta: "Left", speed: "Speed",
    admin: "Admin", pending: "To approve", allRequests: "All requests", users: "Users",
    settings: "Settings", jobs: "Jobs", transfers: "Transfers",
    approve: "Approve", decline: "Decline", reason: "Reason", attachRelease: "Attach a release",
    release: "Magnet link or .torrent URL", user: "User", role: "Role", active: "Active",
    autoApprove: "Auto-approve", create: "Create", email: "Email", resetPassword: "New password",
    deactivate: "Deactivate", activate: "Activate", adminRole: "admin", userRole: "user",
    movieQuota: "Film quota", tvQuota: "Series quota", perDays: "days", notSet: "(not set)",
    secret: "secret", saved: "Saved.", kind: "Kind", attempts: "Attempts", lastError: "Last error",
    retry: "Retry", runNow: "Run now", schedules: "Periodic jobs", nextRun: "Next",
    lastRun: "Last", service: "Service", offline: "The API does not answer: check that plex-kiosk runs. Retrying automatically…",
    forbidden: "Access denied.", cancelRequest: "Cancel request", filter: "Filter", refresh: "Refresh",
    preview: "Preview", renaming: "Renaming", folderFormat: "Folder", seasonFolderFormat: "Season folder",
    fileFormat: "File", colonMode: "Colons", transferMode: "Transfer", libraryRoot: "Library",
    onExisting: "File already there", sampleRelease: "Sample release name", quota: "Quota",
    source: "Source", destination: "Destination", mode: "Mode", size: "Size",
    stages: { awaiting_release: "awaiting a release", queued: "queued", downloading: "downloading",
      stalled: "stalled", importing: "importing", available: "available" },
    statuses: { pending: "pending", approved: "approved", declined: "declined", processing: "processing",
      downloading: "downloading", importing: "importing", available: "available",
      partially_available: "partially available", failed: "failed", cancelled: "cancelled" },
  },
};
let lang = localStorage.getItem("kiosk.lang") || (navigator.language || "fr").slice(0, 2);
if (!MESSAGES[lang]) lang = "fr";
const t = (key) => MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
const statusText = (s) => MESSAGES[lang].statuses[s] ?? s;
const stageText = (s) => MESSAGES[lang].stages[s] ?? s;

// ------------------------------------------------------------------- DOM
// h("button", {onclick: f, class: "x"}, "text", child): strings become text
// nodes, never HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const app = document.getElementById("app");
const show = (...nodes) => {
  app.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
  app.focus();
};
const field = (label, input) => [h("label", { for: input.id }, label), input];
const errorBox = () => h("p", { class: "error", role: "alert", "aria-live": "assertive" });
const fmtDate = (ts) => (ts ? new Date(ts).toLocaleString(lang) : "");
const fmtBytes = (n) => {
  n = Number(n || 0);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};
const fmtEta = (s) => {
  s = Number(s || 0);
  if (!s) return "";
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60);
  return hh ? `${hh} h ${mm} min` : `${mm || 1} min`;
};

// ------------------------------------------------------------------- API
const session = { accessToken: null, me: null };
const banner = document.getElementById("banner");

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

// One refresh at a time: refresh tokens are single-use, and presenting one
// twice (two calls refreshing at once) would revoke the whole session.
let refreshing = null;
function refreshSession() {
  refreshing ??= (async () => {
    try {
      const res = await fetch("/api/v1/auth/refresh", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Kiosk-Client": "web" }, body: "{}",
      });
      if (!res.ok) {
        console.warn(`POST /api/v1/auth/refresh: ${res.status}`);
        return false;
      }
      session.accessToken = (await res.json()).accessToken;
      return true;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function api(method, path, body, retried = false) {
  const headers = { "X-Kiosk-Client": "web" };
  if (session.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    banner.textContent = t("offline");
    banner.hidden = false;
    throw new ApiError(0, { message: t("offline") });
  }
  banner.hidden = true;
  if (res.status === 401 && !retried && !path.startsWith("/api/v1/auth/login")) {
    if (await refreshSession()) return api(method, path, body, true);
    session.accessToken = null;
    location.hash = "#/login";
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    console.warn(`${method} ${path}: ${res.status} ${json.message ?? ""}`);
    throw new ApiError(res.status, json);
  }
  return json;
}

// ---------------------------------------------------------------- screens
const isAdmin = () => session.me?.role === "ROLE_ADMIN";

function renderTop() {
  const top = document.getElementById("top");
  if (!session.me) {
    top.hidden = true;
    return;
  }
  const links = [["#/search", t("search")], ["#/requests", t("myRequests")]];
  if (isAdmin()) {
    links.push(["#/admin/pending", t("pending")], ["#/admin/requests", t("allRequests")],
      ["#/admin/users", t("users")], ["#/admin/settings", t("settings")], ["#/admin/renaming", t("renaming")],
      ["#/admin/jobs", t("jobs")], ["#/admin/transfers", t("transfers")]);
  }
  const current = location.hash || "#/search";
  top.replaceChildren(
    h("span", { class: "brand" }, t("appName")),
    h("nav", { "aria-label": "main" }, links.map(([href, label]) =>
      h("a", { href, "aria-current": current.startsWith(href) ? "page" : null }, label))),
    h("span", { class: "muted" }, session.me.username),
    h("button", { class: "secondary", "aria-label": "language", onclick: () => {
      lang = lang === "fr" ? "en" : "fr";
      localStorage.setItem("kiosk.lang", lang);
      document.documentElement.lang = lang;
      route();
    } }, lang === "fr" ? "EN" : "FR"),
    h("button", { class: "secondary", id: "logout", onclick: logout }, t("logout")),
  );
  top.hidden = false;
}

async function logout() {
  try { await api("POST", "/api/v1/auth/logout", {}); } catch { /* the cookie is cleared anyway */ }
  session.accessToken = null;
  session.me = null;
  localStorage.removeItem("kiosk.signedIn");
  location.hash = "#/login";
}

function loginScreen() {
  const user = h("input", { id: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const err = errorBox();
  const form = h("form", { class: "card-form", onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = "";
    try {
      const s = await api("POST", "/api/v1/auth/login", { username: user.value, password: pass.value });
      session.accessToken = s.accessToken;
      localStorage.setItem("kiosk.signedIn", "1");
      await loadMe();
      location.hash = s.mustChangePassword ? "#/password" : "#/search";
    } catch (ex) {
      err.textContent = ex.status === 0 ? t("offline") : `${t("badLogin")} ${ex.message}`;
    }
  } }, h("h1", {}, t("login")), field(t("username"), user), field(t("password"), pass), err,
  h("div", { class: "actions" }, h("button", { type: "submit", id: "sign-in" }, t("signIn"))));
  show(form);
  user.focus();
}

function passwordScreen() {
  const cur = h("input", { id: "current", type: "password", autocomplete: "current-password", required: true });
  const next = h("input", { id: "new", type: "password", autocomplete: "new-password", required: true, minlength: 8 });
  const again = h("input", { id: "again", type: "password", autocomplete: "new-password", required: true });
  const err = errorBox();
  show(h("form", { class: "card-form", onsubmit: async (e) => {
    e.preventDefault();
    if (next.value !== again.value) { err.textContent = t("passwordsDiffer"); return; }
    try {
      const s = await api("POST", "/api/v1/auth/password", { currentPassword: cur.value, newPassword: next.value });
      session.accessToken = s.accessToken;
      await loadMe();
      location.hash = "#/search";
    } catch (ex) { err.textContent = ex.message; }
  } }, h("h1", {}, t("changePassword")),
  session.me?.mustChangePassword ? h("p", {}, t("mustChange")) : null,
  field(t("currentPassword"), cur), field(t("newPassword"), next), field(t("confirmPassword"), again), err,
  h("div", { class: "actions" }, h("button", { type: "submit", id: "save-password" }, t("save")))));
}

// Search: FR and EN at once; each card says whether the title is in Plex,
// already requested (with its status) or requestable.
function searchScreen() {
  const q = h("input", { id: "query", type: "search", placeholder: t("searchPlaceholder"), "aria-label": t("search") });
  const type = h("select", { id: "type", "aria-label": t("kind") },
    h("option", { value: "" }, t("any")), h("option", { value: "movie" }, t("movie")), h("option", { value: "tv" }, t("tv")));
  const results = h("div", { class: "grid", id: "results", "aria-live": "polite" });
  const err = errorBox();
  const run = async (e) => {
    e?.preventDefault();
    err.textContent = "";
    if (!q.value.trim()) return;
    try {
      const params = new URLSearchParams({ query: q.value.trim() });
      if (type.value) params.set("type", type.value);
      const res = await api("GET", `/api/v1/search?${params}`);
      const items = res.results ?? [];
      results.replaceChildren(...(items.length ? items.map(resultCard) : [h("p", {}, t("noResults"))]));
    } catch (ex) { err.textContent = ex.message; }
  };
  show(h("h1", {}, t("search")),
    h("form", { class: "row", onsubmit: run, role: "search" }, q, type, h("button", { type: "submit", id: "search-go" }, t("search"))),
    err, results);
  q.focus();
}

function posterUrl(path) {
  return path ? `https://image.tmdb.org/t/p/w342${path}` : "/favicon.svg";
}

function resultCard(r) {
  const mine = lang === "en" ? r.titleEn : r.titleFr;
  const other = lang === "en" ? r.titleFr : r.titleEn;
  let badge;
  if (r.inPlex) badge = h("span", { class: "badge available" }, t("inPlex"));
  else if (r.requestStatus) badge = h("span", { class: `badge ${r.requestStatus}` }, `${t("requested")}: ${statusText(r.requestStatus)}`);
  else badge = h("span", { class: "badge" }, t("requestable"));
  return h("article", { class: "card", "data-tmdb-id": r.tmdbId },
    h("img", { src: posterUrl(r.posterPath), alt: "", loading: "lazy",
      onerror: (e) => { if (!e.target.src.endsWith("/favicon.svg")) e.target.src = "/favicon.svg"; } }),
    h("div", { class: "body" },
      h("span", { class: "title" }, mine || r.originalTitle || other),
      other && other !== mine ? h("span", { class: "muted" }, other) : null,
      h("span", { class: "muted" }, [r.year || "", r.mediaType === "tv" ? t("tv") : t("movie")].filter(Boolean).join(" · ")),
      badge,
      !r.inPlex && !r.requestStatus
        ? h("button", { class: "request", onclick: () => requestDialog(r) }, t("request")) : null));
}

async function requestDialog(r) {
  const langSel = h("select", { id: "req-lang" },
    h("option", { value: "fr" }, t("french")), h("option", { value: "en" }, t("english")), h("option", { value: "vo" }, t("original")));
  langSel.value = session.me?.preferredLanguage === "en" ? "en" : "fr";
  const seasons = h("input", { id: "req-seasons", placeholder: "1, 2, 3" });
  const quota = h("p", { class: "hint" });
  const err = errorBox();
  const dlg = h("dialog", { "aria-labelledby": "req-title" });
  dlg.append(h("form", { method: "dialog", onsubmit: async (e) => {
    e.preventDefault();
    const body = { tmdbId: r.tmdbId, mediaType: r.mediaType, language: langSel.value };
    if (r.mediaType === "tv" && seasons.value.trim()) {
      body.seasons = seasons.value.split(",").map((s) => ({ seasonNumber: Number(s.trim()) })).filter((s) => s.seasonNumber > 0);
    }
    try {
      await api("POST", "/api/v1/requests", body);
      dlg.close();
      dlg.remove();
      location.hash = "#/requests";
    } catch (ex) { err.textContent = ex.message; }
  } }, h("h2", { id: "req-title" }, `${t("requestTitle")} — ${lang === "en" ? r.titleEn || r.titleFr : r.titleFr || r.titleEn}`),
  field(t("language"), langSel), r.mediaType === "tv" ? field(`${t("seasons")} (${t("allSeasons")} = ∅)`, seasons) : null,
  quota, err,
  h("div", { class: "actions" }, h("button", { type: "submit", id: "req-send" }, t("request")),
    h("button", { type: "button", class: "secondary", onclick: () => { dlg.close(); dlg.remove(); } }, t("cancel")))));
  document.body.append(dlg);
  dlg.showModal();
  try {
    const qd = await api("GET", "/api/v1/users/me/quota");
    const w = r.mediaType === "tv" ? qd.tv : qd.movie;
    quota.textContent = `${t("quotaLeft")}: ${w && w.limit ? `${w.remaining ?? "?"} / ${w.limit}` : t("unlimited")}`;
  } catch { /* the quota line stays empty */ }
}

// Requests: mine (every user) or all (admins), refreshed every 5 s while shown.
let pollTimer = null;
function poll(fn, ms = 5000) {
  clearInterval(pollTimer);
  pollTimer = setInterval(() => { if (!document.hidden) fn(); }, ms);
}

function requestRow(r, adminView) {
  const p = r.progress ?? {};
  const stage = p.stage ? stageText(p.stage) : "";
  const cells = [
    h("td", {}, h("span", { class: "title" }, r.title || r.titleFr || r.titleEn),
      h("div", { class: "muted" }, [r.year, r.mediaType === "tv" ? t("tv") : t("movie"), (r.language || "").toUpperCase()].filter(Boolean).join(" · "))),
    h("td", {}, h("span", { class: `badge ${r.status}` }, statusText(r.status)),
      r.statusReason ? h("div", { class: "muted" }, r.statusReason) : null),
    h("td", {}, ["downloading", "importing", "processing"].includes(r.status)
      ? [h("progress", { max: 100, value: Math.round(p.percent || 0), "aria-label": t("progress") }),
        h("div", { class: "muted" }, [`${Math.round(p.percent || 0)} %`, stage,
          p.downloadSpeed ? `${fmtBytes(p.downloadSpeed)}/s` : "", fmtEta(p.etaSeconds)].filter(Boolean).join(" · ")),
        p.message ? h("div", { class: "muted" }, p.message) : null]
      : stage),
    h("td", {}, fmtDate(r.createdAt)),
  ];
  const actions = h("td", {});
  if (adminView && r.status === "pending") {
    actions.append(h("button", { class: "approve", onclick: () => act(r, "approve") }, t("approve")), " ",
      h("button", { class: "danger decline", onclick: () => act(r, "decline") }, t("decline")));
  }
  if (adminView && ["approved", "processing"].includes(r.status)) {
    actions.append(h("button", { class: "secondary attach", onclick: () => attachRelease(r) }, t("attachRelease")));
  }
  if (adminView && r.status === "failed") {
    actions.append(h("button", { class: "secondary", onclick: () => act(r, "retry") }, t("retry")));
  }
  if (!adminView && r.status === "pending") {
    actions.append(h("button", { class: "secondary cancel", onclick: () => act(r, "cancel") }, t("cancelRequest")));
  }
  return h("tr", { "data-request-id": r.id, "data-status": r.status }, cells, actions);
}

async function act(r, verb) {
  const body = {};
  if (verb === "decline") {
    const reason = prompt(t("reason"));
    if (reason === null) return;
    body.reason = reason;
  }
  try {
    await api("POST", `/api/v1/requests/${r.id}:${verb}`, body);
  } catch (ex) { alert(ex.message); }
  route();
}

async function attachRelease(r) {
  const source = prompt(t("release"));
  if (!source) return;
  try {
    await api("POST", "/api/v1/downloads:attachRelease", { requestId: r.id, release: source });
  } catch (ex) { alert(ex.message); }
  route();
}

function requestsScreen(adminView, statusFilter) {
  const body = h("tbody", {});
  const err = errorBox();
  const title = adminView ? (statusFilter === "pending" ? t("pending") : t("allRequests")) : t("myRequests");
  const filter = h("select", { id: "status-filter", "aria-label": t("status") }, h("option", { value: "" }, t("any")),
    Object.keys(MESSAGES.en.statuses).map((s) => h("option", { value: s }, statusText(s))));
  filter.value = statusFilter ?? "";
  const load = async () => {
    try {
      const params = new URLSearchParams({ pageSize: "100" });
      if (filter.value) params.set("status", filter.value);
      const res = await api("GET", `${adminView ? "/api/v1/requests" : "/api/v1/requests/mine"}?${params}`);
      const list = res.requests ?? [];
      body.replaceChildren(...(list.length ? list.map((r) => requestRow(r, adminView))
        : [h("tr", {}, h("td", { colspan: 5 }, t("noRequests")))]));
      err.textContent = "";
    } catch (ex) { err.textContent = ex.message; }
  };
  filter.addEventListener("change", load);
  show(h("h1", {}, title), adminView && statusFilter !== "pending" ? h("div", { class: "row" }, filter) : null, err,
    h("table", { id: "requests" }, h("thead", {}, h("tr", {}, [t("title"), t("status"), t("progress"), t("added"), ""].map((c) => h("th", {}, c)))), body));
  load();
  poll(load);
}

function usersScreen() {
  const body = h("tbody", {});
  const err = errorBox();
  const load = async () => {
    try {
      const res = await api("GET", "/api/v1/users?pageSize=200");
      body.replaceChildren(...(res.users ?? []).map((u) => h("tr", { "data-user-id": u.id },
        h("td", {}, u.username, h("div", { class: "muted" }, u.email)),
        h("td", {}, u.role === "ROLE_ADMIN" ? t("adminRole") : t("userRole")),
        h("td", {}, h("label", { class: "inline" }, h("input", { type: "checkbox", checked: !!u.autoApprove,
          onchange: (e) => update(u.id, { autoApprove: e.target.checked }) }), t("autoApprove"))),
        h("td", {}, `${u.movieQuotaLimit ?? "–"}/${u.movieQuotaDays ?? "–"} · ${u.tvQuotaLimit ?? "–"}/${u.tvQuotaDays ?? "–"}`),
        h("td", {},
          h("button", { class: "secondary", onclick: () => update(u.id, { isActive: !u.isActive }) }, u.isActive ? t("deactivate") : t("activate")), " ",
          h("button", { class: "secondary", onclick: () => update(u.id, { role: u.role === "ROLE_ADMIN" ? "ROLE_USER" : "ROLE_ADMIN" }) }, t("role")), " ",
          h("button", { class: "secondary quota", onclick: () => {
            // "limit/days" for films then series; empty keeps the defaults of the settings.
            const answer = prompt(`${t("movieQuota")} · ${t("tvQuota")} (2/7 3/30)`,
              `${u.movieQuotaLimit ?? ""}/${u.movieQuotaDays ?? ""} ${u.tvQuotaLimit ?? ""}/${u.tvQuotaDays ?? ""}`);
            if (answer === null) return;
            const [movie = "", tv = ""] = answer.trim().split(/\s+/);
            const patch = {};
            const put = (text, limitKey, daysKey) => {
              const [limit, days] = text.split("/").map((x) => x.trim());
              if (limit) patch[limitKey] = Number(limit);
              if (days) patch[daysKey] = Number(days);
            };
            put(movie, "movieQuotaLimit", "movieQuotaDays");
            put(tv, "tvQuotaLimit", "tvQuotaDays");
            update(u.id, patch);
          } }, t("quota")), " ",
          h("button", { class: "secondary", onclick: async () => {
            const pw = prompt(t("resetPassword"));
            if (!pw) return;
            try { await api("POST", `/api/v1/users/${u.id}:resetPassword`, { newPassword: pw }); } catch (ex) { alert(ex.message); }
          } }, t("resetPassword"))))));
    } catch (ex) { err.textContent = ex.message; }
  };
  const update = async (id, patch) => {
    try { await api("PATCH", `/api/v1/users/${id}`, patch); } catch (ex) { alert(ex.message); }
    load();
  };
  const nu = h("input", { id: "nu-name", required: true }), ne = h("input", { id: "nu-email", type: "email", required: true });
  const np = h("input", { id: "nu-pass", type: "password", required: true, minlength: 8 });
  const createErr = errorBox();
  show(h("h1", {}, t("users")), err,
    h("table", {}, h("thead", {}, h("tr", {}, [t("user"), t("role"), t("autoApprove"), `${t("movieQuota")} · ${t("tvQuota")}`, ""].map((c) => h("th", {}, c)))), body),
    h("h2", {}, t("create")),
    h("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api("POST", "/api/v1/users", { username: nu.value, email: ne.value, password: np.value, role: "ROLE_USER" });
        nu.value = ne.value = np.value = "";
        createErr.textContent = "";
        load();
      } catch (ex) { createErr.textContent = ex.message; }
    } }, h("div", {}, field(t("username"), nu)), h("div", {}, field(t("email"), ne)), h("div", {}, field(t("password"), np)),
    h("button", { type: "submit" }, t("create"))), createErr);
  load();
}

function settingsScreen() {
  const form = h("form", { id: "settings" });
  const msg = h("p", { role: "status" });
  const load = async () => {
    const res = await api("GET", "/api/v1/settings");
    form.replaceChildren(...(res.settings ?? []).map((s) => {
      const id = `s-${s.key.replace(/\W/g, "-")}`;
      let input;
      if (s.type === "boolean") {
        input = h("select", { id, "data-key": s.key, "data-type": s.type },
          h("option", { value: "true" }, "✓"), h("option", { value: "false" }, "✗"));
        input.value = String(!!s.value);
      } else {
        input = h("input", { id, "data-key": s.key, "data-type": s.type,
          type: s.type === "secret" ? "password" : (s.type === "integer" || s.type === "number" ? "number" : "text"),
          step: s.type === "number" ? "any" : null,
          placeholder: s.type === "secret" && s.isSet ? "••••••" : t("notSet"), autocomplete: "off" });
        if (s.type !== "secret" && s.value !== undefined && s.value !== null) input.value = String(s.value);
      }
      return h("div", {}, h("label", { for: id }, `${s.key} — ${s.description}`), input);
    }), h("div", { class: "actions" }, h("button", { type: "submit" }, t("save"))));
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const values = {};
    for (const input of form.querySelectorAll("[data-key]")) {
      if (input.value === "" || (input.dataset.type !== "secret" && input.defaultValue === input.value && input.tagName === "INPUT")) continue;
      const type = input.dataset.type;
      values[input.dataset.key] = type === "boolean" ? input.value === "true"
        : type === "integer" || type === "number" ? Number(input.value) : input.value;
    }
    try {
      await api("PATCH", "/api/v1/settings", { values });
      msg.textContent = t("saved");
      load();
    } catch (ex) { msg.textContent = ex.message; }
  });
  show(h("h1", {}, t("settings")), msg, form);
  load().catch((ex) => { msg.textContent = ex.message; });
}

function jobsScreen() {
  const svc = h("select", { id: "job-service", "aria-label": t("service") },
    ["users", "media", "downloads", "plex"].map((s) => h("option", { value: s }, s)));
  const jobs = h("tbody", {}), schedules = h("tbody", {});
  const err = errorBox();
  const load = async () => {
    try {
      const [j, s] = await Promise.all([api("GET", `/api/v1/jobs/${svc.value}?pageSize=50`), api("GET", `/api/v1/schedules/${svc.value}`)]);
      jobs.replaceChildren(...(j.jobs ?? []).map((job) => h("tr", {},
        h("td", {}, job.id), h("td", {}, job.kind), h("td", {}, h("span", { class: `badge ${job.status}` }, job.status)),
        h("td", {}, `${job.attempts}/${job.maxAttempts}`),
        h("td", {}, job.progressTotal ? `${job.progressDone ?? 0}/${job.progressTotal}` : ""),
        h("td", { class: "muted" }, job.lastError || ""),
        h("td", {}, ["failed", "dead", "cancelled"].includes(job.status)
          ? h("button", { class: "secondary", onclick: async () => { await api("POST", `/api/v1/jobs/${svc.value}/${job.id}:retry`, {}).catch((ex) => alert(ex.message)); load(); } }, t("retry")) : null))));
      schedules.replaceChildren(...(s.schedules ?? []).map((sc) => h("tr", {},
        h("td", {}, sc.name), h("td", {}, sc.cron), h("td", {}, fmtDate(sc.lastRun)), h("td", {}, fmtDate(sc.nextRun)),
        h("td", {}, h("button", { class: "secondary", onclick: async () => { await api("POST", `/api/v1/schedules/${svc.value}/${sc.name}:run`, {}).catch((ex) => alert(ex.message)); load(); } }, t("runNow"))))));
      err.textContent = "";
    } catch (ex) { err.textContent = ex.message; }
  };
  svc.addEventListener("change", load);
  show(h("h1", {}, t("jobs")), h("div", { class: "row" }, svc), err,
    h("h2", {}, t("schedules")), h("table", {}, schedules),
    h("h2", {}, t("jobs")), h("table", {}, h("thead", {}, h("tr", {}, ["#", t("kind"), t("status"), t("attempts"), t("progress"), t("lastError"), ""].map((c) => h("th", {}, c)))), jobs));
  load();
  poll(load);
}

function transfersScreen() {
  const body = h("tbody", {});
  const err = errorBox();
  show(h("h1", {}, t("transfers")), err, h("table", {}, h("thead", {}, h("tr", {},
    [t("added"), t("source"), t("destination"), t("mode"), t("size"), t("status")].map((c) => h("th", {}, c)))), body));
  api("GET", "/api/v1/transfers?pageSize=100").then((res) => {
    body.replaceChildren(...(res.transfers ?? []).map((x) => h("tr", {},
      h("td", {}, fmtDate(x.startedAt)), h("td", { class: "muted" }, x.sourcePath), h("td", {}, x.destinationPath),
      h("td", {}, x.mode + (x.fellBack ? " (fallback)" : "")), h("td", {}, fmtBytes(x.sizeBytes)),
      h("td", {}, h("span", { class: `badge ${x.status}` }, x.status), x.error ? h("div", { class: "muted" }, x.error) : null))));
  }).catch((ex) => { err.textContent = ex.message; });
}

// Naming formats per media type, with a preview rendered by kiosk-downloads
// on sample data (or a release name) as the admin types.
function renamingScreen() {
  const type = h("select", { id: "rename-type", "aria-label": t("kind") },
    h("option", { value: "movie" }, t("movie")), h("option", { value: "tv" }, t("tv")));
  const input = (id, extra = {}) => h("input", { id, autocomplete: "off", ...extra });
  const folder = input("rn-folder"), season = input("rn-season"), file = input("rn-file");
  const root = input("rn-root", { placeholder: "/srv/media/movies" });
  const release = input("rn-release", { placeholder: "Amelie.2001.FRENCH.1080p.BluRay.x264-LOST" });
  const select = (id, values) => h("select", { id }, values.map((v) => h("option", { value: v }, v)));
  const colon = select("rn-colon", ["smart", "delete", "dash", "space_dash", "space_dash_space"]);
  const mode = select("rn-mode", ["hardlink_or_copy", "hardlink", "copy", "move"]);
  const existing = select("rn-existing", ["fail", "keep_both", "replace_if_same"]);
  const preview = h("pre", { id: "rn-preview", "aria-live": "polite" });
  const msg = h("p", { role: "status" });
  let timer = null;
  const refreshPreview = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const p = await api("POST", `/api/v1/rename-settings/${type.value}:preview`, {
          folderFormat: folder.value, seasonFolderFormat: season.value, fileFormat: file.value,
          colonMode: colon.value, releaseName: release.value });
        preview.textContent = `${p.libraryRoot || root.value || "…"}/${p.relativePath}`;
      } catch (ex) { preview.textContent = ex.message; }
    }, 250);
  };
  const load = async () => {
    const r = await api("GET", `/api/v1/rename-settings/${type.value}`);
    folder.value = r.folderFormat ?? ""; season.value = r.seasonFolderFormat ?? ""; file.value = r.fileFormat ?? "";
    root.value = r.libraryRoot ?? ""; colon.value = r.colonMode || "smart";
    mode.value = r.transferMode || "hardlink_or_copy"; existing.value = r.onExisting || "fail";
    refreshPreview();
  };
  for (const el of [folder, season, file, release, colon]) el.addEventListener("input", refreshPreview);
  type.addEventListener("change", () => load().catch((ex) => { msg.textContent = ex.message; }));
  show(h("h1", {}, t("renaming")), h("div", { class: "row" }, type),
    h("form", { id: "renaming", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api("PATCH", `/api/v1/rename-settings/${type.value}`, {
          folderFormat: folder.value, seasonFolderFormat: season.value, fileFormat: file.value,
          colonMode: colon.value, transferMode: mode.value, onExisting: existing.value,
          ...(root.value ? { libraryRoot: root.value } : {}) });
        msg.textContent = t("saved");
      } catch (ex) { msg.textContent = ex.message; }
    } }, field(t("folderFormat"), folder), field(t("seasonFolderFormat"), season), field(t("fileFormat"), file),
    field(t("colonMode"), colon), field(t("transferMode"), mode), field(t("onExisting"), existing),
    field(t("libraryRoot"), root), field(t("sampleRelease"), release),
    h("h2", {}, t("preview")), preview, msg,
    h("div", { class: "actions" }, h("button", { type: "submit", id: "rn-save" }, t("save")))));
  load().catch((ex) => { msg.textContent = ex.message; });
}

// ---------------------------------------------------------------- routing
async function loadMe() {
  session.me = await api("GET", "/api/v1/auth/me");
  if (session.me.preferredLanguage && !localStorage.getItem("kiosk.lang")) lang = session.me.preferredLanguage;
  document.documentElement.lang = lang;
}

async function route() {
  clearInterval(pollTimer);
  const hash = location.hash || "#/search";
  if (!session.accessToken && hash !== "#/login") {
    // A reload: the cookie may still hold a session (the flag only says a
    // sign-in happened in this browser; it is no credential).
    if (localStorage.getItem("kiosk.signedIn") && await refreshSession()) await loadMe().catch(() => {});
    else { location.hash = "#/login"; return; }
  }
  if (hash === "#/login") { session.me = null; renderTop(); return loginScreen(); }
  if (session.me?.mustChangePassword && hash !== "#/password") { location.hash = "#/password"; return; }
  renderTop();
  if (hash.startsWith("#/admin") && !isAdmin()) return show(h("h1", {}, t("forbidden")));
  const screens = {
    "#/password": passwordScreen, "#/search": searchScreen, "#/requests": () => requestsScreen(false),
    "#/admin/pending": () => requestsScreen(true, "pending"), "#/admin/requests": () => requestsScreen(true),
    "#/admin/users": usersScreen, "#/admin/settings": settingsScreen, "#/admin/renaming": renamingScreen,
    "#/admin/jobs": jobsScreen,
    "#/admin/transfers": transfersScreen,
  };
  (screens[hash] ?? searchScreen)();
}

window.addEventListener("hashchange", route);
route();
