// Validates Kubernetes manifests rendered by `kubectl kustomize`, offline:
//
//   node validate_k8s.mjs <rendered.yaml> <operator-provided.json> <overlay>
//
// 1. Schema: every object against the Kubernetes API schema of its kind
//    (npm kubernetes-models: required fields, types, enums, formats) and
//    strictly (unknown fields are errors, found with the field lists of npm
//    @kubernetes/client-node, since kubernetes-models accepts extra fields).
// 2. plex-kiosk's rules: every container has probes (init containers excepted),
//    requests and limits, and the hardened security context; every Service
//    selects a pod template and its named target ports exist there; every
//    referenced ConfigMap/Secret key exists in the render or is listed as
//    operator-provided for this overlay; the gateway runs the kiosk-migrate
//    init container with the same image tag as every other plex-kiosk image;
//    every pod is covered by a NetworkPolicy of its own; PodDisruptionBudgets
//    select pods.
//
// Prints one line per problem ("INVALID <kind>/<name>: ...") and exits 1 when
// there is any, else prints a summary and exits 0.
import fs from "node:fs";
// Only the generated models: the package root also loads an HTTP client that
// needs a newer Node.js than Debian 12 ships.
import * as k8s from "@kubernetes/client-node/dist/gen/models/all.js";
import YAML from "yaml";

const [renderedPath, operatorPath, overlay] = process.argv.slice(2);
if (!renderedPath || !operatorPath || !overlay) {
  console.error("usage: validate_k8s.mjs <rendered.yaml> <operator-provided.json> <overlay>");
  process.exit(2);
}

const problems = [];
const objects = YAML.parseAllDocuments(fs.readFileSync(renderedPath, "utf8"))
  .map((doc) => {
    if (doc.errors.length > 0) problems.push(`INVALID YAML: ${doc.errors[0].message}`);
    return doc.toJS();
  })
  .filter((o) => o !== null && o !== undefined);
const operatorProvided = JSON.parse(fs.readFileSync(operatorPath, "utf8"))[overlay] ?? {};
const id = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
const problem = (o, text) => problems.push(`INVALID ${id(o)}: ${text}`);

// ---------------------------------------------------------------- 1. schema
async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  try {
    return (await import(path))[kind] ?? null;
  } catch {
    return null;
  }
}

// @kubernetes/client-node names classes V1Deployment, V2HorizontalPodAutoscaler, ...
function fieldListClass(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  const name = version.charAt(0).toUpperCase() + version.slice(1) + kind;
  return typeof k8s[name]?.getAttributeTypeMap === "function" ? name : null;
}

function checkUnknownFields(o, value, typeName, path) {
  if (value === null || value === undefined) return;
  let m = /^Array<(.+)>$/.exec(typeName);
  if (m) {
    if (Array.isArray(value)) value.forEach((v, i) => checkUnknownFields(o, v, m[1], `${path}[${i}]`));
    return;
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (m) {
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) checkUnknownFields(o, v, m[1], `${path}.${k}`);
    }
    return;
  }
  const cls = k8s[typeName];
  if (typeof cls?.getAttributeTypeMap !== "function" || typeof value !== "object") return;
  const fields = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!fields.has(k)) {
      problem(o, `unknown field ${path ? path + "." : ""}${k}`);
    } else {
      checkUnknownFields(o, v, fields.get(k), path ? `${path}.${k}` : k);
    }
  }
}

for (const o of objects) {
  if (typeof o !== "object" || !o.apiVersion || !o.kind) {
    problem(o, "not a Kubernetes object (apiVersion and kind required)");
    continue;
  }
  const Model = await modelClass(o.apiVersion, o.kind);
  const fieldList = fieldListClass(o.apiVersion, o.kind);
  if (!Model || !fieldList) {
    problem(o, `unknown kind ${o.kind} in ${o.apiVersion}`);
    continue;
  }
  try {
    new Model(o).validate();
  } catch (e) {
    for (const line of String(e.message).split(", ")) problem(o, line.replace(/^data\//, ""));
  }
  checkUnknownFields(o, o, fieldList, "");
}

// ------------------------------------------------------------ 2. our rules
const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o?.kind));
const podSpec = (w) => w.spec?.template?.spec ?? {};
const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
const selects = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

function checkContainer(w, c, isInit) {
  const where = `${isInit ? "init container" : "container"} ${c.name}`;
  if (!isInit) {
    if (!c.readinessProbe) problem(w, `${where} has no readinessProbe`);
    if (!c.livenessProbe) problem(w, `${where} has no livenessProbe`);
  }
  for (const kind of ["requests", "limits"]) {
    for (const res of ["cpu", "memory"]) {
      if (c.resources?.[kind]?.[res] === undefined) problem(w, `${where} has no resources.${kind}.${res}`);
    }
  }
  const sc = c.securityContext ?? {};
  if (sc.allowPrivilegeEscalation !== false) problem(w, `${where} must set allowPrivilegeEscalation: false`);
  if (sc.readOnlyRootFilesystem !== true) problem(w, `${where} must set readOnlyRootFilesystem: true`);
  if (!(sc.capabilities?.drop ?? []).includes("ALL")) problem(w, `${where} must drop ALL capabilities`);
  const podSc = podSpec(w).securityContext ?? {};
  if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) problem(w, `${where} may run as root (runAsNonRoot)`);
}

const byKindName = new Map(objects.map((o) => [id(o), o]));
function checkReference(w, kind, name, key, where) {
  const target = byKindName.get(`${kind}/${name}`);
  const provided = operatorProvided[`${kind}/${name}`];
  if (target) {
    if (key !== undefined) {
      const data = { ...(target.data ?? {}), ...(target.stringData ?? {}) };
      if (!(key in data)) problem(w, `${where}: ${kind} ${name} has no key ${key}`);
    }
  } else if (!provided) {
    problem(w, `${where}: ${kind} ${name} is neither in the manifests nor operator-provided`);
  } else if (key !== undefined && !provided.includes(key)) {
    problem(w, `${where}: key ${key} of the operator-provided ${kind} ${name} is not documented`);
  }
}

for (const w of workloads) {
  const spec = podSpec(w);
  for (const c of spec.initContainers ?? []) checkContainer(w, c, true);
  for (const c of spec.containers ?? []) checkContainer(w, c, false);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sec = e.valueFrom?.secretKeyRef;
      if (cm) checkReference(w, "ConfigMap", cm.name, cm.key, `${c.name} env ${e.name}`);
      if (sec) checkReference(w, "Secret", sec.name, sec.key, `${c.name} env ${e.name}`);
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef) checkReference(w, "ConfigMap", f.configMapRef.name, undefined, `${c.name} envFrom`);
      if (f.secretRef) checkReference(w, "Secret", f.secretRef.name, undefined, `${c.name} envFrom`);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap) checkReference(w, "ConfigMap", v.configMap.name, undefined, `volume ${v.name}`);
    if (v.secret) checkReference(w, "Secret", v.secret.secretName, undefined, `volume ${v.name}`);
    if (v.persistentVolumeClaim && !byKindName.has(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`)) {
      problem(w, `volume ${v.name}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} is missing`);
    }
  }
  if (!selects(w.spec?.selector?.matchLabels, podLabels(w))) {
    problem(w, "spec.selector does not match the pod template's labels");
  }
}

for (const s of objects.filter((o) => o?.kind === "Service")) {
  const targets = workloads.filter((w) => selects(s.spec?.selector, podLabels(w)));
  if (!s.spec?.selector || targets.length === 0) {
    problem(s, "selects no pod template");
    continue;
  }
  for (const p of s.spec.ports ?? []) {
    if (typeof p.targetPort !== "string") continue;
    const named = targets.some((w) =>
      (podSpec(w).containers ?? []).some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)),
    );
    if (!named) problem(s, `targetPort ${p.targetPort} is not a named container port of the pods it selects`);
  }
}

for (const pdb of objects.filter((o) => o?.kind === "PodDisruptionBudget")) {
  if (!workloads.some((w) => selects(pdb.spec?.selector?.matchLabels, podLabels(w)))) {
    problem(pdb, "selects no pod template");
  }
}

// Every workload has a NetworkPolicy selecting it by name (the namespace-wide
// default deny does not count).
const policies = objects.filter((o) => o?.kind === "NetworkPolicy");
for (const w of workloads) {
  const own = policies.some(
    (p) => Object.keys(p.spec?.podSelector?.matchLabels ?? {}).includes("app.kubernetes.io/name") &&
      selects(p.spec.podSelector.matchLabels, podLabels(w)),
  );
  if (!own) problem(w, "no NetworkPolicy of its own (pods would accept no traffic or all of it)");
}

// The migration job: the gateway's init container, same tag as the rest.
const imageTag = (image) => (image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : "latest");
const kioskImages = workloads.flatMap((w) =>
  [...(podSpec(w).initContainers ?? []), ...(podSpec(w).containers ?? [])]
    .map((c) => c.image)
    .filter((image) => /(^|\/)plex-kiosk\/kiosk-/.test(image ?? "")),
);
const gateway = workloads.find((w) => w.metadata?.name === "kiosk-gateway");
if (!gateway) {
  problems.push("INVALID Deployment/kiosk-gateway: missing");
} else {
  const migrate = (podSpec(gateway).initContainers ?? []).find((c) => /kiosk-migrate:/.test(c.image ?? ""));
  if (!migrate) {
    problem(gateway, "has no kiosk-migrate init container");
  } else {
    const args = [...(migrate.command ?? []), ...(migrate.args ?? [])].join(" ");
    if (!/upgrade head/.test(args)) problem(gateway, `init container ${migrate.name} does not run "upgrade head"`);
    const tag = imageTag(migrate.image);
    for (const image of kioskImages) {
      if (imageTag(image) !== tag) problem(gateway, `${image} does not use the migration image's tag ${tag}`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  console.log(`${renderedPath}: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`${renderedPath}: ${objects.length} objects valid (${overlay})`);
