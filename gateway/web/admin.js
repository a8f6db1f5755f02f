// Plex Kiosk admin screens, loaded by app.js on the first admin screen (the
// first load of the page stays small). Uses app.js's helpers (h, t, api,
// show, openDialog, announce); registers its screens and the admin actions
// of request rows in window.kioskAdmin.
"use strict";

Object.assign(MESSAGES.fr, {
  approve: "Approuver", decline: "Refuser", reason: "Motif", release: "Lien magnet ou URL .torrent",
  user: "Utilisateur", role: "Rôle", active: "Actif", autoApprove: "Validation auto", create: "Créer",
  email: "E-mail", resetPassword: "Nouveau mot de passe", deactivate: "Désactiver", activate: "Activer",
  adminRole: "admin", userRole: "utilisateur", movieQuota: "Quota films", tvQuota: "Quota séries",
  perDays: "jours", notSet: "(non défini)", secret: "secret", saved: "Enregistré.", attempts: "Essais",
  lastError: "Dernière erreur", retry: "Relancer", runNow: "Lancer", schedules: "Tâches périodiques",
  nextRun: "Prochaine", lastRun: "Dernière", service: "Service", filter: "Filtrer", refresh: "Actualiser",
  preview: "Aperçu", folderFormat: "Dossier", seasonFolderFormat: "Dossier de saison", fileFormat: "Fichier",
  colonMode: "Deux-points", transferMode: "Transfert", libraryRoot: "Bibliothèque",
  onExisting: "Fichier déjà présent", sampleRelease: "Nom de release d'exemple", quota: "Quota",
  source: "Source", destination: "Destination", mode: "Mode",
  findReleases: "Chercher des releases", releases: "Releases", releaseName: "Release", grab: "Prendre", score: "Score",
  quality: "Qualité", languages: "Langues", seeders: "Seeders", rejected: "Refusée",
  searching: "Recherche des releases…", found: "trouvées", noReleases: "Aucune release trouvée.",
  autoGrabOn: "Prise automatique activée : la meilleure release acceptée est prise seule.",
  autoGrabOff: "Prise automatique désactivée : choisissez une release.",
  notAvailable: "La recherche de releases n'est pas disponible sur ce serveur (kiosk-downloads sans indexeurs).",
  grabbed: "Release prise.", addIndexer: "Ajouter un indexeur", editIndexer: "Modifier l'indexeur",
  name: "Nom", url: "URL Torznab", apiKey: "Clé d'API", apiKeyKept: "(inchangée si vide)",
  categories: "Catégories (ex. 2000, 5000)", enabled: "Activé", priority: "Priorité (1 = d'abord)",
  rateLimit: "Requêtes par minute (0 = sans limite)", test: "Tester", edit: "Modifier", delete: "Supprimer",
  confirmDelete: "Supprimer cet indexeur ?", lastCheck: "Dernier contrôle", caps: "Capacités",
  noIndexers: "Aucun indexeur.", ok: "OK",
});
Object.assign(MESSAGES.en, {
  approve: "Approve", decline: "Decline", reason: "Reason", release: "Magnet link or .torrent URL",
  user: "User", role: "Role", active: "Active", autoApprove: "Auto-approve", create: "Create",
  email: "Email", resetPassword: "New password", deactivate: "Deactivate", activate: "Activate",
  adminRole: "admin", userRole: "user", movieQuota: "Film quota", tvQuota: "Series quota", perDays: "days",
  notSet: "(not set)", secret: "secret", saved: "Saved.", attempts: "Attempts", lastError: "Last error",
  retry: "Retry", runNow: "Run now", schedules: "Periodic jobs", nextRun: "Next", lastRun: "Last",
  service: "Service", filter: "Filter", refresh: "Refresh", preview: "Preview", folderFormat: "Folder",
  seasonFolderFormat: "Season folder", fileFormat: "File", colonMode: "Colons", transferMode: "Transfer",
  libraryRoot: "Library", onExisting: "File already there", sampleRelease: "Sample release name",
  quota: "Quota", source: "Source", destination: "Destination", mode: "Mode",
  findReleases: "Find releases", releases: "Releases", releaseName: "Release", grab: "Grab", score: "Score",
  quality: "Quality", languages: "Languages", seeders: "Seeders", rejected: "Rejected",
  searching: "Searching releases…", found: "found", noReleases: "No release found.",
  autoGrabOn: "Auto-grab is on: the best accepted release is grabbed by itself.",
  autoGrabOff: "Auto-grab is off: pick a release.",
  notAvailable: "Release search is not available on this server (kiosk-downloads without indexers).",
  grabbed: "Release grabbed.", addIndexer: "Add an indexer", editIndexer: "Edit the indexer",
  name: "Name", url: "Torznab URL", apiKey: "API key", apiKeyKept: "(kept when empty)",
  categories: "Categories (e.g. 2000, 5000)", enabled: "Enabled", priority: "Priority (1 = first)",
  rateLimit: "Requests per minute (0 = no limit)", test: "Test", edit: "Edit", delete: "Delete",
  confirmDelete: "Delete this indexer?", lastCheck: "Last check", caps: "Capabilities",
  noIndexers: "No indexers.", ok: "OK",
});

// A server without release search: no route (404 "no route for ...") or an
// RPC not implemented yet (501).
const notAvailable = (ex) => ex.status === 501 || (ex.status === 404 && /^no route/i.test(ex.message));

// ------------------------------------------------------------ request rows
function rowActions(r, cell) {
  const button = (cls, label, onclick) => h("button", { class: cls, "data-focus-key": `${cls.split(" ").pop()}-${r.id}`, onclick }, label);
  if (r.status === "pending") {
    cell.append(button("approve", t("approve"), () => act(r, "approve")),
      button("danger decline", t("decline"), () => act(r, "decline")));
  }
  if (["pending", "approved", "processing", "failed"].includes(r.status)) {
    cell.append(button("secondary releases", t("findReleases"), () => releasesDialog(r)));
  }
  if (["approved", "processing"].includes(r.status)) {
    cell.append(button("secondary attach", t("attachRelease"), () => attachRelease(r)));
  }
  if (r.status === "failed") cell.append(button("secondary retry", t("retry"), () => act(r, "retry")));
}

// SearchReleases for one request: accepted releases first (best first) with
// a Grab button each, rejected ones greyed with their reasons, and how each
// indexer answered.
function releasesDialog(r) {
  const state = h("p", { id: "rel-state", role: "status" }, t("searching"));
  const indexers = h("ul", { id: "rel-indexers", class: "indexer-results" });
  const body = h("tbody", {});
  const table = h("table", { id: "releases", hidden: true }, h("caption", { class: "sr-only" }, t("releases")),
    h("thead", {}, h("tr", {}, [t("releaseName"), t("quality"), t("languages"), t("size"), t("seeders"), t("indexer"), t("score"), t("actions")]
      .map((c) => h("th", { scope: "col" }, c)))), body);
  const err = errorBox();
  let dlg = null;
  dlg = openDialog("rel-title", [h("h2", { id: "rel-title" }, `${t("findReleases")} — ${r.title || ""}`),
    state, indexers, err, h("div", { class: "table-scroll" }, table),
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => dlg.close() }, t("close")))],
  { wide: true });
  const grab = async (rel, btn) => {
    btn.disabled = true;
    try {
      await api("POST", "/api/v1/downloads:attachRelease",
        { requestId: r.id, release: rel.link, releaseTitle: rel.title, indexerId: rel.indexerId });
      dlg.close();
      announce(t("grabbed"));
      route();
    } catch (ex) { err.textContent = ex.message; btn.disabled = false; }
  };
  dlg.setAttribute("aria-busy", "true");
  api("GET", `/api/v1/requests/${r.id}/releases`).then((res) => {
    const releases = res.releases ?? [];
    const accepted = releases.filter((x) => x.accepted).length;
    state.textContent = `${releases.length} ${t("found")} · ${accepted} ✓ · ${res.autoGrab ? t("autoGrabOn") : t("autoGrabOff")}`;
    indexers.replaceChildren(...(res.indexers ?? []).map((i) => h("li", { class: i.error ? "error" : "muted" },
      `${i.name}: ${i.error ? i.error : `${i.found ?? 0} ${t("found")}`} · ${i.durationMs ?? 0} ms`)));
    body.replaceChildren(...releases.map((rel) => h("tr", { class: rel.accepted ? "accepted" : "rejected", "data-guid": rel.guid },
      h("td", {}, h("span", { class: "title" }, rel.title),
        rel.accepted ? null : h("div", {}, h("span", { class: "badge declined" }, t("rejected")),
          h("ul", { class: "reasons" }, (rel.rejections ?? []).map((why) => h("li", {}, why))))),
      h("td", {}, rel.quality || rel.resolution || ""), h("td", {}, (rel.languages ?? []).join(", ")),
      h("td", {}, fmtBytes(rel.sizeBytes)), h("td", {}, `${rel.seeders ?? 0}`), h("td", {}, rel.indexer || ""),
      h("td", {}, `${rel.score ?? 0}`),
      h("td", {}, h("button", { class: rel.accepted ? "grab" : "grab secondary", "aria-label": `${t("grab")}: ${rel.title}`,
        onclick: (e) => grab(rel, e.currentTarget) }, t("grab"))))));
    table.hidden = !releases.length;
    if (!releases.length) state.textContent = `${t("noReleases")} ${state.textContent}`;
  }).catch((ex) => {
    state.textContent = "";
    err.textContent = notAvailable(ex) ? t("notAvailable") : ex.message;
    err.id = notAvailable(ex) ? "rel-unavailable" : "";
  }).finally(() => dlg.removeAttribute("aria-busy"));
}

// ---------------------------------------------------------------- indexers
function indexersScreen() {
  const body = h("tbody", {});
  const err = errorBox();
  const msg = h("p", { role: "status", id: "idx-msg" });
  const load = async () => {
    try {
      const res = await api("GET", "/api/v1/indexers");
      const list = res.indexers ?? [];
      body.replaceChildren(...(list.length ? list.map((x) => h("tr", { "data-indexer-id": x.id },
        h("td", {}, h("span", { class: "title" }, x.name), h("div", { class: "muted" }, x.url)),
        h("td", {}, x.enabled ? "✓" : "✗", h("div", { class: "muted" }, `${t("priority")}: ${x.priority ?? 25}`)),
        h("td", {}, h("span", { class: `badge ${x.lastStatus === "error" ? "failed" : x.lastStatus === "ok" ? "available" : ""}` }, x.lastStatus || "—"),
          x.lastError ? h("div", { class: "muted" }, x.lastError) : null, h("div", { class: "muted" }, fmtDate(x.lastCheckedAt))),
        h("td", { class: "muted" }, x.capsSummary || ""),
        h("td", { class: "row-actions" },
          h("button", { class: "secondary test", "data-focus-key": `test-${x.id}`, onclick: async () => {
            msg.textContent = t("loading");
            try {
              const r = await api("POST", `/api/v1/indexers/${x.id}:test`, {});
              msg.textContent = `${x.name}: ${r.ok ? t("ok") : ""} ${r.message || ""} (${r.durationMs ?? 0} ms)`;
            } catch (ex) { msg.textContent = ex.message; }
            load();
          } }, t("test")),
          h("button", { class: "secondary edit", "data-focus-key": `edit-${x.id}`, onclick: () => indexerDialog(x, load) }, t("edit")),
          h("button", { class: "danger delete", "data-focus-key": `delete-${x.id}`, onclick: async () => {
            if (!confirm(t("confirmDelete"))) return;
            try { await api("DELETE", `/api/v1/indexers/${x.id}`); msg.textContent = t("saved"); } catch (ex) { msg.textContent = ex.message; }
            load();
          } }, t("delete"))))) : [h("tr", {}, h("td", { colspan: 5 }, t("noIndexers")))]));
      err.textContent = "";
    } catch (ex) {
      err.textContent = notAvailable(ex) ? t("notAvailable") : ex.message;
      if (notAvailable(ex)) err.id = "idx-unavailable";
    }
  };
  show(h("h1", {}, t("indexers")), err, msg,
    h("div", { class: "actions" }, h("button", { id: "idx-add", "data-focus-key": "idx-add", onclick: () => indexerDialog(null, load) }, t("addIndexer"))),
    h("div", { class: "table-scroll" }, h("table", { id: "indexers" }, h("caption", { class: "sr-only" }, t("indexers")),
      h("thead", {}, h("tr", {}, [t("name"), t("enabled"), t("lastCheck"), t("caps"), t("actions")].map((c) => h("th", { scope: "col" }, c)))), body)));
  load();
}

// Add (x = null) or edit an indexer. The API key is write-only: empty keeps it.
function indexerDialog(x, reload) {
  const input = (id, attrs = {}) => h("input", { id, autocomplete: "off", ...attrs });
  const name = input("idx-name", { required: true }), url = input("idx-url", { type: "url", required: true });
  const key = input("idx-key", { type: "password", placeholder: x?.hasApiKey ? "••••••" : "" });
  const cats = input("idx-cats", { placeholder: "2000, 5000" });
  const enabled = h("input", { type: "checkbox", id: "idx-enabled", checked: x ? !!x.enabled : true });
  const priority = input("idx-priority", { type: "number", min: 1, max: 50 });
  const rate = input("idx-rate", { type: "number", min: 0 });
  name.value = x?.name ?? ""; url.value = x?.url ?? ""; cats.value = (x?.categories ?? [2000, 5000]).join(", ");
  priority.value = x?.priority ?? 25; rate.value = x?.rateLimitPerMinute ?? 0;
  const err = errorBox();
  let dlg = null;
  dlg = openDialog("idx-title", h("form", { onsubmit: async (e) => {
    e.preventDefault();
    const body = { name: name.value, url: url.value, enabled: enabled.checked, priority: Number(priority.value),
      rateLimitPerMinute: Number(rate.value), categories: cats.value.split(",").map((c) => Number(c.trim())).filter((c) => c > 0) };
    if (key.value) body.apiKey = key.value;
    try {
      await api(x ? "PATCH" : "POST", x ? `/api/v1/indexers/${x.id}` : "/api/v1/indexers", body);
      dlg.close();
      announce(t("saved"));
      reload();
    } catch (ex) { err.textContent = notAvailable(ex) ? t("notAvailable") : ex.message; }
  } }, h("h2", { id: "idx-title" }, x ? t("editIndexer") : t("addIndexer")),
  field(t("name"), name), field(t("url"), url), field(`${t("apiKey")} ${x?.hasApiKey ? t("apiKeyKept") : ""}`, key),
  field(t("categories"), cats), field(t("priority"), priority), field(t("rateLimit"), rate),
  h("label", { class: "inline", for: "idx-enabled" }, enabled, t("enabled")), err,
  h("div", { class: "actions" }, h("button", { type: "submit", id: "idx-save" }, t("save")),
    h("button", { type: "button", class: "secondary", onclick: () => dlg.close() }, t("cancel")))));
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
    h("table", {}, h("thead", {}, h("tr", {}, [t("user"), t("role"), t("autoApprove"), `${t("movieQuota")} · ${t("tvQuota")}`, t("actions")].map((c) => h("th", {}, c)))), body),
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
    h("h2", {}, t("jobs")), h("table", {}, h("thead", {}, h("tr", {}, ["#", t("kind"), t("status"), t("attempts"), t("progress"), t("lastError"), t("actions")].map((c) => h("th", {}, c)))), jobs));
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

window.kioskAdmin = {
  rowActions,
  screens: {
    "#/admin/users": usersScreen, "#/admin/settings": settingsScreen, "#/admin/renaming": renamingScreen,
    "#/admin/jobs": jobsScreen, "#/admin/transfers": transfersScreen, "#/admin/indexers": indexersScreen,
  },
};
