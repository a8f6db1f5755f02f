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
//
// Admin screens live in admin.js, loaded on the first admin screen only, so
// the first load stays small. Accessibility: dialogs are modal (focus moves
// in, Tab stays in, Escape closes, focus returns to the opener), messages and
// status changes are announced through the #live region, <html lang> follows
// the interface language.
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
    english: "Anglais (VA)", original: "Version originale (VO)", seasons: "Saisons",
    quotaLeft: "Demandes restantes", unlimited: "illimité", requestSent: "Demande envoyée.",
    myRequests: "Mes demandes", noRequests: "Aucune demande.", status: "Statut", progress: "Progression",
    added: "Ajoutée", eta: "Reste", speed: "Débit",
    admin: "Administration", pending: "À valider", allRequests: "Toutes les demandes", users: "Utilisateurs",
    settings: "Réglages", jobs: "Tâches", transfers: "Transferts",
    attachRelease: "Lier une release", kind: "Type",
    offline: "L'API ne répond pas : vérifiez que plex-kiosk tourne. Nouvel essai automatique…",
    forbidden: "Accès refusé.", cancelRequest: "Annuler la demande", renaming: "Renommage", size: "Taille",
    skip: "Aller au contenu", mainNav: "Navigation principale",
    wholeSeries: "Toute la série", specials: "Épisodes spéciaux", episodesOf: "Épisodes",
    episodes: "épisodes", inPlexShort: "dans Plex", alreadyRequested: "déjà demandé",
    chooseSomething: "Choisissez au moins une saison ou un épisode.", loading: "Chargement…",
    seasonsFallback: "Saisons (vide = toutes)", close: "Fermer", download: "Téléchargement",
    noDownload: "Aucun téléchargement pour l'instant.", indexer: "Indexeur", autoGrabbed: "automatique",
    manualGrab: "manuel", grabKind: "Prise", state: "État", actions: "Actions", indexers: "Indexeurs",
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
    english: "English", original: "Original version (VO)", seasons: "Seasons",
    quotaLeft: "Requests left", unlimited: "unlimited", requestSent: "Request sent.",
    myRequests: "My requests", noRequests: "No requests.", status: "Status", progress: "Progress",
    added: "Added", eta: "Left", speed: "Speed",
    admin: "Admin", pending: "To approve", allRequests: "All requests", users: "Users",
    settings: "Settings", jobs: "Jobs", transfers: "Transfers",
    attachRelease: "Attach a release", kind: "Kind",
    offline: "The API does not answer: check that plex-kiosk runs. Retrying automatically…",
    forbidden: "Access denied.", cancelRequest: "Cancel request", renaming: "Renaming", size: "Size",
    skip: "Skip to content", mainNav: "Main navigation",
    wholeSeries: "The whole series", specials: "Specials", episodesOf: "Episodes",
    episodes: "episodes", inPlexShort: "in Plex", alreadyRequested: "already requested",
    chooseSomething: "Choose at least one season or episode.", loading: "Loading…",
    seasonsFallback: "Seasons (empty = all)", close: "Close", download: "Download",
    noDownload: "No download yet.", indexer: "Indexer", autoGrabbed: "automatic",
    manualGrab: "manual", grabKind: "Grabbed", state: "State", actions: "Actions", indexers: "Indexers",
    stages: { awaiting_release: "awaiting a release", queued: "queued", downloading: "downloading",
      stalled: "stalled", importing: "importing", available: "available" },
    statuses: { pending: "pending", approved: "approved", declined: "declined", processing: "processing",
      downloading: "downloading", importing: "importing", available: "available",
      partially_available: "partially available", failed: "failed", cancelled: "cancelled" },
  },
};
let lang = localStorage.getItem("kiosk.lang") || (navigator.language || "fr").slice(0, 2);
if (!MESSAGES[lang]) lang = "fr";
document.documentElement.lang = lang;
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
const errorBox = () => h("p", { class: "error", role: "alert" });
// Says `text` to screen readers (the polite #live region of index.html).
const live = document.getElementById("live");
function announce(text) {
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

// A modal dialog: focus moves to its first control, Tab and Shift+Tab stay
// inside, Escape closes it (the browser's cancel), and focus goes back to the
// opener, or to the element that replaced it (same data-focus-key) when a
// refresh rebuilt the list.
function openDialog(labelId, children, { wide = false } = {}) {
  const opener = document.activeElement;
  const key = opener?.dataset?.focusKey;
  const dlg = h("dialog", { "aria-labelledby": labelId, class: wide ? "wide" : null }, children);
  dlg.addEventListener("keydown", (e) => {
    if (e.key !== "Tab") return;
    const focusable = [...dlg.querySelectorAll("button, input, select, textarea, a[href]")]
      .filter((el) => !el.disabled && el.getClientRects().length);
    if (!focusable.length) return;
    const first = focusable[0], last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  dlg.addEventListener("close", () => {
    dlg.remove();
    const back = opener?.isConnected ? opener
      : (key && document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)) || app;
    back.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}
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
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: `HTTP ${res.status}` }; }
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
  document.getElementById("skip").textContent = t("skip");
  if (!session.me) {
    top.hidden = true;
    return;
  }
  const links = [["#/search", t("search")], ["#/requests", t("myRequests")]];
  if (isAdmin()) {
    links.push(["#/admin/pending", t("pending")], ["#/admin/requests", t("allRequests")],
      ["#/admin/users", t("users")], ["#/admin/settings", t("settings")], ["#/admin/renaming", t("renaming")],
      ["#/admin/jobs", t("jobs")], ["#/admin/transfers", t("transfers")], ["#/admin/indexers", t("indexers")]);
  }
  const current = location.hash || "#/search";
  top.replaceChildren(
    h("span", { class: "brand" }, t("appName")),
    h("nav", { "aria-label": t("mainNav") }, links.map(([href, label]) =>
      h("a", { href, "aria-current": current.startsWith(href) ? "page" : null }, label))),
    h("span", { class: "muted" }, session.me.username),
    h("button", { class: "secondary", id: "lang-switch", lang: lang === "fr" ? "en" : "fr", onclick: () => {
      lang = lang === "fr" ? "en" : "fr";
      localStorage.setItem("kiosk.lang", lang);
      document.documentElement.lang = lang;
      route();
    } }, lang === "fr" ? "English" : "Français"),
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

// The request dialog: language, and for a series a season chooser (below);
// the quota left is shown.
function requestDialog(r) {
  const langSel = h("select", { id: "req-lang" },
    h("option", { value: "fr" }, t("french")), h("option", { value: "en" }, t("english")), h("option", { value: "vo" }, t("original")));
  langSel.value = session.me?.preferredLanguage === "en" ? "en" : "fr";
  const chooser = r.mediaType === "tv" ? seasonChooser(r) : null;
  const quota = h("p", { class: "hint", id: "req-quota" });
  const err = errorBox();
  const name = lang === "en" ? r.titleEn || r.titleFr : r.titleFr || r.titleEn;
  let dlg = null;
  const form = h("form", { method: "dialog", onsubmit: async (e) => {
    e.preventDefault();
    const body = { tmdbId: r.tmdbId, mediaType: r.mediaType, language: langSel.value };
    if (chooser) {
      const seasons = chooser.selection();
      if (seasons && !seasons.length) { err.textContent = t("chooseSomething"); return; }
      if (seasons) body.seasons = seasons;
    }
    try {
      await api("POST", "/api/v1/requests", body);
      dlg.close();
      announce(t("requestSent"));
      location.hash = "#/requests";
    } catch (ex) { err.textContent = ex.message; }
  } }, h("h2", { id: "req-title" }, `${t("requestTitle")} — ${name || r.originalTitle || ""}`),
  field(t("language"), langSel), chooser?.element, quota, err,
  h("div", { class: "actions" }, h("button", { type: "submit", id: "req-send" }, t("request")),
    h("button", { type: "button", class: "secondary", onclick: () => dlg.close() }, t("cancel"))));
  dlg = openDialog("req-title", form);
  api("GET", "/api/v1/users/me/quota").then((qd) => {
    const w = r.mediaType === "tv" ? qd.tv : qd.movie;
    quota.textContent = `${t("quotaLeft")}: ${w && w.limit ? `${w.remaining ?? "?"} / ${w.limit}` : t("unlimited")}`;
  }).catch(() => { /* the quota line stays empty */ });
}

// Seasons of a series as checkboxes: every season but the specials checked
// (= the whole series), each expandable to its episodes. Episodes Plex holds
// cannot be chosen; episodes already requested are marked. selection() gives
// the CreateRequest `seasons`: null = the whole series, [] = nothing chosen.
// Without the title details (an older server), a text field of numbers.
function seasonChooser(r) {
  const box = h("fieldset", { class: "seasons", id: "req-seasons" }, h("legend", {}, t("seasons")));
  const state = h("p", { class: "hint", role: "status" }, t("loading"));
  box.append(state);
  const seasons = new Map();  // number -> { input, episodes: Map(number -> input) | null }
  const whole = h("input", { type: "checkbox", id: "req-whole", checked: true });
  let fallback = null;
  const regular = () => [...seasons.entries()].filter(([n]) => n > 0);
  const syncWhole = () => {
    whole.checked = regular().every(([, s]) => s.input.checked && !s.input.indeterminate);
  };
  const setSeason = (s, on) => {
    s.input.checked = on;
    s.input.indeterminate = false;
    for (const ep of s.episodes?.values() ?? []) if (!ep.disabled) ep.checked = on;
  };
  const syncSeason = (s) => {
    const open = [...s.episodes.values()].filter((ep) => !ep.disabled);
    const on = open.filter((ep) => ep.checked).length;
    s.input.checked = on > 0 && on === open.length;
    s.input.indeterminate = on > 0 && on < open.length;
    syncWhole();
  };
  whole.addEventListener("change", () => {
    for (const [, s] of regular()) setSeason(s, whole.checked);
  });

  const loadEpisodes = async (n, s, list) => {
    const d = await api("GET", `/api/v1/titles/tv/${r.tmdbId}/seasons/${n}?language=${lang}`);
    s.episodes = new Map();
    list.replaceChildren(...(d.episodes ?? []).map((ep) => {
      const id = `req-s${n}e${ep.episodeNumber}`;
      const input = h("input", { type: "checkbox", id, class: "episode", "data-season": n,
        "data-episode": ep.episodeNumber, checked: s.input.checked && !ep.inPlex, disabled: !!ep.inPlex,
        onchange: () => syncSeason(s) });
      s.episodes.set(ep.episodeNumber, input);
      return h("li", {}, h("label", { class: "inline", for: id }, input,
        `${ep.episodeNumber}. ${ep.name || ""}`,
        ep.inPlex ? h("span", { class: "badge available" }, t("inPlexShort")) : null,
        ep.requested ? h("span", { class: "badge pending" }, t("alreadyRequested")) : null));
    }));
    syncSeason(s);
  };

  api("GET", `/api/v1/titles/tv/${r.tmdbId}?language=${lang}`).then((title) => {
    const rows = (title.seasons ?? []).map((season) => {
      const n = season.seasonNumber;
      const id = `req-s${n}`;
      const input = h("input", { type: "checkbox", id, class: "season", "data-season": n, checked: n > 0 });
      const s = { input, episodes: null };
      seasons.set(n, s);
      const list = h("ul", { class: "episodes", id: `req-eps-${n}`, hidden: true });
      const label = n === 0 ? t("specials") : season.name || `${t("seasons")} ${n}`;
      const toggle = h("button", { type: "button", class: "secondary season-toggle", "data-season": n,
        "aria-expanded": "false", "aria-controls": list.id, "aria-label": `${t("episodesOf")} — ${label}` }, t("episodesOf"));
      toggle.addEventListener("click", async () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        list.hidden = !open;
        if (open && !s.episodes) {
          list.replaceChildren(h("li", { class: "hint" }, t("loading")));
          try { await loadEpisodes(n, s, list); } catch (ex) { list.replaceChildren(h("li", { class: "error" }, ex.message)); }
        }
      });
      input.addEventListener("change", () => { setSeason(s, input.checked); syncWhole(); });
      return h("li", {}, h("div", { class: "season-row" },
        h("label", { class: "inline", for: id }, input, label,
          h("span", { class: "muted" }, `${season.episodeCount ?? 0} ${t("episodes")}`)), toggle), list);
    });
    state.remove();
    box.append(h("label", { class: "inline whole", for: "req-whole" }, whole, t("wholeSeries")),
      h("ul", { class: "season-list" }, rows));
    if (title.inPlex) box.append(h("p", { class: "hint" }, t("inPlex")));
  }).catch(() => {
    // No title details: seasons typed as numbers, as before.
    fallback = h("input", { id: "req-seasons-text", placeholder: "1, 2, 3" });
    state.remove();
    box.append(...field(t("seasonsFallback"), fallback));
  });

  const selection = () => {
    if (fallback) {
      const list = fallback.value.split(",").map((x) => Number(x.trim())).filter((x) => x > 0);
      return list.length ? list.map((seasonNumber) => ({ seasonNumber })) : null;
    }
    if (!seasons.size) return null;  // still loading: the whole series
    const out = [];
    let everything = true;
    for (const [n, s] of seasons) {
      let chosen;
      if (s.episodes) {
        const numbers = [...s.episodes.entries()].filter(([, ep]) => ep.checked && !ep.disabled).map(([e]) => e);
        chosen = numbers.length === s.episodes.size ? { seasonNumber: n }
          : numbers.length ? { seasonNumber: n, episodeNumbers: numbers } : null;
      } else {
        chosen = s.input.checked ? { seasonNumber: n } : null;
      }
      if (chosen) out.push(chosen);
      // The whole series = every regular season complete, no specials.
      if (n === 0 ? chosen : !chosen || chosen.episodeNumbers) everything = false;
    }
    return everything ? null : out;
  };
  return { element: box, selection };
}

// Requests: mine (every user) or all (admins), refreshed every 5 s while shown.
let pollTimer = null;
function poll(fn, ms = 5000) {
  clearInterval(pollTimer);
  pollTimer = setInterval(() => { if (!document.hidden) fn(); }, ms);
}

// "S1, S2 (E1, E3)" for a series request; "" for the whole series.
function seasonsText(seasons) {
  return (seasons ?? []).map((s) => `S${s.seasonNumber ?? 0}`
    + (s.episodeNumbers?.length ? ` (E${s.episodeNumbers.join(", E")})` : "")).join(", ");
}

function requestRow(r, adminView) {
  const p = r.progress ?? {};
  const stage = p.stage ? stageText(p.stage) : "";
  const tv = r.mediaType === "tv";
  const cells = [
    h("td", {}, h("span", { class: "title" }, r.title || r.titleFr || r.titleEn),
      h("div", { class: "muted" }, [r.year, tv ? t("tv") : t("movie"), (r.language || "").toUpperCase()].filter(Boolean).join(" · ")),
      tv ? h("div", { class: "muted seasons-asked" }, seasonsText(r.seasons) || t("wholeSeries")) : null),
    h("td", {}, h("span", { class: `badge ${r.status}` }, statusText(r.status)),
      tv && r.episodesRequested > 0
        ? h("div", { class: "episodes-count" }, `${t("episodesOf")} ${r.episodesAvailable ?? 0}/${r.episodesRequested}`) : null,
      r.statusReason ? h("div", { class: "muted" }, r.statusReason) : null),
    h("td", {}, ["downloading", "importing", "processing"].includes(r.status)
      ? [h("progress", { max: 100, value: Math.round(p.percent || 0), "aria-label": `${t("progress")} ${r.title || ""}` }),
        h("div", { class: "muted" }, [`${Math.round(p.percent || 0)} %`, stage,
          p.downloadSpeed ? `${fmtBytes(p.downloadSpeed)}/s` : "", fmtEta(p.etaSeconds)].filter(Boolean).join(" · ")),
        p.message ? h("div", { class: "muted" }, p.message) : null]
      : stage),
    h("td", {}, fmtDate(r.createdAt)),
  ];
  const actions = h("td", { class: "row-actions" });
  if (!["pending", "declined", "cancelled"].includes(r.status)) {
    actions.append(h("button", { class: "secondary downloads", "data-focus-key": `dl-${r.id}`,
      onclick: () => downloadsDialog(r) }, t("download")));
  }
  if (adminView) window.kioskAdmin?.rowActions(r, actions);
  if (!adminView && r.status === "pending") {
    actions.append(h("button", { class: "secondary cancel", "data-focus-key": `cancel-${r.id}`,
      onclick: async () => {
        try { await api("POST", `/api/v1/requests/${r.id}:cancel`, {}); } catch (ex) { announce(ex.message); }
        route();
      } }, t("cancelRequest")));
  }
  return h("tr", { "data-request-id": r.id, "data-status": r.status }, cells, actions);
}

// The downloads of a request: release, indexer, grabbed automatically or by
// hand, state and progress.
function downloadsDialog(r) {
  const list = h("div", { id: "dl-list", "aria-live": "polite" }, h("p", { class: "hint" }, t("loading")));
  let dlg = null;
  dlg = openDialog("dl-title", [h("h2", { id: "dl-title" }, `${t("download")} — ${r.title || ""}`), list,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => dlg.close() }, t("close")))]);
  api("GET", `/api/v1/downloads?requestId=${r.id}`).then((res) => {
    const items = res.downloads ?? [];
    list.replaceChildren(...(items.length ? items.map((d) => h("section", { class: "download", "data-download-id": d.id },
      h("h3", {}, d.releaseTitle || d.name || d.source || `#${d.id}`),
      h("dl", {},
        h("dt", {}, t("state")), h("dd", {}, `${d.state}${d.progress ? ` · ${Math.round(d.progress * 100)} %` : ""}`),
        d.indexer ? [h("dt", {}, t("indexer")), h("dd", {}, d.indexer)] : null,
        h("dt", {}, t("grabKind")), h("dd", { class: "grab-kind" }, d.autoGrabbed ? t("autoGrabbed") : t("manualGrab")),
        d.sizeBytes ? [h("dt", {}, t("size")), h("dd", {}, fmtBytes(d.sizeBytes))] : null),
      d.error ? h("p", { class: "error" }, d.error) : null,
      d.stageMessage ? h("p", { class: "muted" }, d.stageMessage) : null))
      : [h("p", {}, t("noDownload"))]));
  }).catch((ex) => { list.replaceChildren(h("p", { class: "error" }, ex.message)); });
}

function requestsScreen(adminView, statusFilter) {
  const body = h("tbody", {});
  const err = errorBox();
  const title = adminView ? (statusFilter === "pending" ? t("pending") : t("allRequests")) : t("myRequests");
  const filter = h("select", { id: "status-filter", "aria-label": t("status") }, h("option", { value: "" }, t("any")),
    Object.keys(MESSAGES.en.statuses).map((s) => h("option", { value: s }, statusText(s))));
  filter.value = statusFilter ?? "";
  const seen = new Map();  // request id -> status, to announce changes
  const load = async () => {
    try {
      const params = new URLSearchParams({ pageSize: "100" });
      if (filter.value) params.set("status", filter.value);
      const res = await api("GET", `${adminView ? "/api/v1/requests" : "/api/v1/requests/mine"}?${params}`);
      const list = res.requests ?? [];
      // Rebuilding the rows loses the focus: it goes to the new twin.
      const focused = document.activeElement?.dataset?.focusKey;
      body.replaceChildren(...(list.length ? list.map((r) => requestRow(r, adminView))
        : [h("tr", {}, h("td", { colspan: 5 }, t("noRequests")))]));
      if (focused) body.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
      const changed = list.filter((r) => seen.has(r.id) && seen.get(r.id) !== r.status);
      if (changed.length) announce(changed.map((r) => `${r.title}: ${statusText(r.status)}`).join(". "));
      for (const r of list) seen.set(r.id, r.status);
      err.textContent = "";
    } catch (ex) { err.textContent = ex.message; }
  };
  filter.addEventListener("change", load);
  show(h("h1", {}, title), adminView && statusFilter !== "pending" ? h("div", { class: "row" }, filter) : null, err,
    h("table", { id: "requests" }, h("caption", { class: "sr-only" }, title),
      h("thead", {}, h("tr", {}, [t("title"), t("status"), t("progress"), t("added"), t("actions")].map((c) => h("th", { scope: "col" }, c)))), body));
  load();
  poll(load);
}

// ---------------------------------------------------------------- routing
async function loadMe() {
  session.me = await api("GET", "/api/v1/auth/me");
  if (session.me.preferredLanguage && !localStorage.getItem("kiosk.lang")) lang = session.me.preferredLanguage;
  document.documentElement.lang = lang;
}

// admin.js, once, on the first admin screen.
let adminScript = null;
function loadAdmin() {
  adminScript ??= new Promise((resolve, reject) => {
    const el = h("script", { src: "/admin.js" });
    el.addEventListener("load", resolve);
    el.addEventListener("error", () => { adminScript = null; reject(new Error(t("offline"))); });
    document.head.append(el);
  });
  return adminScript;
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
  if (hash.startsWith("#/admin")) {
    if (!isAdmin()) return show(h("h1", {}, t("forbidden")));
    try { await loadAdmin(); } catch (ex) { return show(h("h1", {}, t("admin")), h("p", { class: "error", role: "alert" }, ex.message)); }
  }
  const screens = {
    "#/password": passwordScreen, "#/search": searchScreen, "#/requests": () => requestsScreen(false),
    "#/admin/pending": () => requestsScreen(true, "pending"), "#/admin/requests": () => requestsScreen(true),
    ...window.kioskAdmin?.screens,
  };
  (screens[hash] ?? searchScreen)();
}

// The skip link moves the focus to the screen without touching the route.
document.getElementById("skip").addEventListener("click", (e) => {
  e.preventDefault();
  app.focus();
});

window.addEventListener("hashchange", route);
route();
