// Writes a broken copy of a rendered manifest, to prove the validator rejects
// each kind of defect:  node mutate.mjs <in.yaml> <out.yaml> <mutation>
import fs from "node:fs";
import YAML from "yaml";

const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const containers = (o) => o.spec.template.spec.containers;
export const mutations = {
  // name: [change, message the validator must print]
  unknown_field: [(o) => (containers(find(o, "Deployment", "kiosk-media"))[0].imagePullPolcy = "Always"),
    "unknown field spec.template.spec.containers[0].imagePullPolcy"],
  wrong_type: [(o) => (find(o, "Service", "kiosk-plex").spec.ports[0].port = "fifty"), "port must be integer"],
  missing_required: [(o) => delete containers(find(o, "Deployment", "kiosk-plex"))[0].name,
    "must have required property name"],
  no_liveness_probe: [(o) => delete containers(find(o, "Deployment", "kiosk-downloads"))[0].livenessProbe,
    "container kiosk-downloads has no livenessProbe"],
  root_filesystem_writable: [(o) => (containers(find(o, "Deployment", "kiosk-users"))[0].securityContext.readOnlyRootFilesystem = false),
    "must set readOnlyRootFilesystem: true"],
  capabilities_kept: [(o) => (containers(find(o, "Deployment", "kiosk-gateway"))[0].securityContext.capabilities.drop = []),
    "must drop ALL capabilities"],
  service_selects_nothing: [(o) => (find(o, "Service", "kiosk-media").spec.selector["app.kubernetes.io/name"] = "kiosk-medai"),
    "Service/kiosk-media: selects no pod template"],
  missing_secret_key: [(o) => (containers(find(o, "Deployment", "kiosk-users"))[0].env.find((e) => e.name === "SECRET_KEY").valueFrom.secretKeyRef.key = "SECRET"),
    "has no key SECRET"],
  migrate_tag_differs: [(o) => {
    const init = find(o, "Deployment", "kiosk-gateway").spec.template.spec.initContainers[0];
    init.image = init.image.replace(/:[^:]+$/, ":0.9.0");
  }, "does not use the migration image's tag 0.9.0"],
  no_migrate_init: [(o) => delete find(o, "Deployment", "kiosk-gateway").spec.template.spec.initContainers,
    "has no kiosk-migrate init container"],
  no_network_policy: [(o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "kiosk-downloads")), 1),
    "Deployment/kiosk-downloads: no NetworkPolicy of its own"],
};

if (process.argv.length === 5) {
  const [input, output, name] = process.argv.slice(2);
  const objects = YAML.parseAllDocuments(fs.readFileSync(input, "utf8")).map((d) => d.toJS()).filter(Boolean);
  mutations[name][0](objects);
  fs.writeFileSync(output, objects.map((o) => YAML.stringify(o)).join("---\n"));
} else if (process.argv[2] === "--list") {
  for (const [name, [, message]] of Object.entries(mutations)) console.log(`${name}\t${message}`);
}
