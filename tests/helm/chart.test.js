// Checks of the Helm chart helm/aievents, run by tests/helm/run.sh (ctest: helm_chart_test).
// For the default values and every helm/aievents/ci/*.yaml: `helm lint --strict`, `helm template`,
// every rendered object validated against the Kubernetes API schemas (kubernetes-models, plus a
// check for fields the API does not know, which those schemas let through), and the chart's
// rules (probes, securityContext, secrets, a database login per service, hooks, exposure,
// NetworkPolicies, drain budget, HPAs).
// Wrong values must be refused. The last group breaks rendered objects on purpose and expects
// each rule to notice, so no rule can pass vacuously.
//   HELM=/path/to/helm node --test chart.test.js
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const chart = path.resolve(process.env.AIEVENTS_CHART_DIR || path.join(here, "../../helm/aievents"));
const helm = process.env.HELM || "helm";
const release = "ci";
const namespace = "events";
const fullname = "ci-aievents";
const COMPONENTS = ["gateway", "ingest", "matching", "timeline"];
// Who calls whom (the lead's design): the NetworkPolicies must allow exactly these. The timeline
// calls no one (the AssociateEvent forwarder to ingest is gone).
const CALLERS = { ingest: ["gateway", "matching"], matching: ["gateway", "ingest"], timeline: ["gateway"] };
const CALLS = Object.fromEntries(COMPONENTS.map((c) => [c, Object.keys(CALLERS).filter((callee) => CALLERS[callee].includes(c))]));
// Each service logs in as its own database role, from its own Secret key; the gateway has none.
const DATABASE_ROLE = { ingest: "aievents_ingest", matching: "aievents_matching", timeline: "aievents_timeline" };
const SERVICES = Object.keys(DATABASE_ROLE);
const GRPC_PORT = { ingest: 7051, matching: 7052, timeline: 7053 };
const ADMIN_PORT = { gateway: 9090, ingest: 9091, matching: 9092, timeline: 9093 };
const SECRET_KEYS = ["ingest-database-url", "matching-database-url", "timeline-database-url", "migration-database-url", "internal-token", "secrets-keys", "suppression-key", "read-database-url", "listen-database-url"];
const SECRET_ENV = ["AIEVENTS_DATABASE_URL", "AIEVENTS_INTERNAL_TOKEN", "AIEVENTS_SECRETS_KEYS", "AIEVENTS_SUPPRESSION_KEY", "AIEVENTS_READ_DATABASE_URL", "AIEVENTS_LISTEN_DATABASE_URL"];

// ---------------------------------------------------------------------------------------------
// helm

function runHelm(args) {
  return spawnSync(helm, args, { encoding: "utf8", maxBuffer: 64 << 20 });
}

function render(valuesFiles, sets = [], chartDir = chart) {
  const args = ["template", release, chartDir, "--namespace", namespace];
  for (const file of valuesFiles) args.push("-f", file);
  for (const set of sets) args.push("--set", set);
  const result = runHelm(args);
  if (result.status !== 0) throw new Error(`helm ${args.join(" ")} failed:\n${result.stderr}`);
  return YAML.parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((obj) => obj !== null && obj !== undefined);
}

// NOTES.txt is not rendered by `helm template`; render it through a copy of the chart in which
// it is an ordinary template.
function renderNotes(valuesFiles) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "aievents-notes-"));
  try {
    fs.cpSync(chart, copy, { recursive: true });
    const notes = fs.readFileSync(path.join(copy, "templates/NOTES.txt"), "utf8");
    fs.rmSync(path.join(copy, "templates/NOTES.txt"));
    fs.writeFileSync(path.join(copy, "templates/_notes_under_test.tpl"),
      `{{- define "notes-under-test" -}}\n${notes}\n{{- end -}}\n`);
    fs.writeFileSync(path.join(copy, "templates/notes-under-test.yaml"),
      'notes: {{ include "notes-under-test" . | toJson }}\n');
    const [doc] = render(valuesFiles, [], copy).filter((o) => "notes" in o);
    return doc.notes;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

// The values a render used: values.yaml with each file merged over it, as helm merges them.
function mergedValues(valuesFiles) {
  const merge = (base, over) => {
    if (over === null || typeof over !== "object" || Array.isArray(over)) return over;
    const out = { ...(base && typeof base === "object" && !Array.isArray(base) ? base : {}) };
    for (const [key, value] of Object.entries(over)) out[key] = merge(out[key], value);
    return out;
  };
  let values = YAML.parse(fs.readFileSync(path.join(chart, "values.yaml"), "utf8"));
  for (const file of valuesFiles) values = merge(values, YAML.parse(fs.readFileSync(file, "utf8")) || {});
  return values;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes API schemas

const MODEL_MODULES = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

async function modelOf(obj) {
  const base = MODEL_MODULES[obj.apiVersion];
  if (!base) throw new Error(`${obj.kind} ${obj.metadata?.name}: no schema for apiVersion ${obj.apiVersion}`);
  const module = await import(`${base}/${obj.kind}`);
  return { Model: module[obj.kind], dts: path.join(here, "node_modules", `${base}/${obj.kind}.d.ts`) };
}

// The generated schemas accept unknown fields, which the API server would drop or refuse (a
// misspelt `readinesProbe` would vanish). The model's TypeScript declarations list every field,
// so walk them alongside the object.
const declarations = new Map();
function fieldsOf(dtsFile) {
  if (declarations.has(dtsFile)) return declarations.get(dtsFile);
  const text = fs.readFileSync(dtsFile, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const target = m[2].startsWith(".")
      ? path.resolve(path.dirname(dtsFile), m[2].replace(/\.js$/, ".d.ts"))
      : path.join(here, "node_modules", `${m[2]}.d.ts`);
    imports.set(m[1], target);
  }
  const body = text.match(/^export interface \w+[^{]*\{\n([\s\S]*?)^\}/m);
  let fields = null; // null: not an object type (a union or a scalar alias): not walked
  if (body) {
    fields = new Map([["apiVersion", null], ["kind", null]]);
    for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.*?);?$/gm)) {
      const type = m[2].match(/^(?:Array<)?(I\w+)>?$/);
      const file = type && imports.get(type[1]);
      fields.set(m[1], file && fs.existsSync(file) ? { file, array: m[2].startsWith("Array<") } : null);
    }
  }
  declarations.set(dtsFile, fields);
  return fields;
}

function unknownFields(value, dtsFile, where, problems) {
  const fields = fieldsOf(dtsFile);
  if (!fields || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!fields.has(key)) {
      problems.push(`${where}.${key} is not a field of ${path.basename(dtsFile, ".d.ts")}`);
      continue;
    }
    const ref = fields.get(key);
    if (!ref) continue;
    if (ref.array && Array.isArray(child)) child.forEach((item, i) => unknownFields(item, ref.file, `${where}.${key}[${i}]`, problems));
    else if (!ref.array) unknownFields(child, ref.file, `${where}.${key}`, problems);
  }
}

async function schemaProblems(objects) {
  const problems = [];
  for (const obj of objects) {
    const name = `${obj.kind}/${obj.metadata?.name}`;
    try {
      const { Model, dts } = await modelOf(obj);
      if (!Model) throw new Error(`no model for kind ${obj.kind}`);
      new Model(obj).validate();
      unknownFields(obj, dts, name, problems);
    } catch (error) {
      problems.push(`${name}: ${error.message.split("\n").slice(0, 5).join(" ")}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The chart's rules. Each returns a list of problems (empty: the rule holds).

const byKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const component = (o) => o.metadata?.labels?.["app.kubernetes.io/component"];
const annotations = (o) => o.metadata?.annotations || {};
const podSpecOf = (o) => (o.kind === "Pod" ? o.spec : o.spec?.template?.spec);
const workloads = (objects) => objects.filter((o) => ["Deployment", "StatefulSet", "Job", "Pod"].includes(o.kind));

function probeProblems(objects) {
  const problems = [];
  const deployments = byKind(objects, "Deployment");
  for (const c of COMPONENTS) {
    if (!deployments.some((d) => component(d) === c)) problems.push(`no Deployment for ${c}`);
  }
  for (const d of deployments) {
    for (const container of podSpecOf(d).containers) {
      const where = `Deployment/${d.metadata.name} container ${container.name}`;
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        if (!container[probe]) problems.push(`${where} has no ${probe}`);
      }
      const { startupProbe: s, livenessProbe: l, readinessProbe: r } = container;
      if (component(d) === "gateway") {
        if (r?.httpGet?.path !== "/readyz") problems.push(`${where}: readiness must be httpGet /readyz`);
        if (l?.httpGet?.path !== "/healthz") problems.push(`${where}: liveness must be httpGet /healthz`);
        if (!s?.httpGet) problems.push(`${where}: startup must be httpGet`);
      } else {
        if (r?.grpc?.port !== GRPC_PORT[component(d)]) problems.push(`${where}: readiness must be a native grpc probe on ${GRPC_PORT[component(d)]}`);
        if (!l?.httpGet || !s?.httpGet) problems.push(`${where}: startup and liveness must be httpGet on the admin port`);
      }
      if (!container.lifecycle?.preStop?.exec) problems.push(`${where} has no preStop exec`);
    }
  }
  return problems;
}

function securityProblems(objects, values) {
  const problems = [];
  for (const w of workloads(objects)) {
    const spec = podSpecOf(w);
    const where = `${w.kind}/${w.metadata.name}`;
    const isDatabase = component(w) === "postgresql";
    const uid = isDatabase ? values.postgresql.runAsUser : 10001;
    const pod = spec.securityContext || {};
    if (pod.runAsNonRoot !== true) problems.push(`${where}: pod runAsNonRoot must be true`);
    if (pod.runAsUser !== uid || pod.runAsGroup !== uid) problems.push(`${where}: pod must run as ${uid}:${uid}`);
    if (pod.seccompProfile?.type !== "RuntimeDefault") problems.push(`${where}: pod seccompProfile must be RuntimeDefault`);
    if (spec.automountServiceAccountToken !== false) problems.push(`${where}: automountServiceAccountToken must be false`);
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${where}: host namespaces are used`);
    for (const container of [...(spec.initContainers || []), ...spec.containers]) {
      const sc = container.securityContext || {};
      const cw = `${where} container ${container.name}`;
      if (sc.runAsNonRoot !== true) problems.push(`${cw}: runAsNonRoot must be true`);
      if ((sc.runAsUser ?? pod.runAsUser) !== uid || (sc.runAsGroup ?? pod.runAsGroup) !== uid) problems.push(`${cw}: must run as ${uid}:${uid}`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${cw}: readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${cw}: allowPrivilegeEscalation must be false`);
      if (sc.privileged) problems.push(`${cw}: privileged`);
      if (!(sc.capabilities?.drop || []).includes("ALL")) problems.push(`${cw}: capabilities must drop ALL`);
      if (sc.capabilities?.add?.length) problems.push(`${cw}: adds capabilities`);
      if ((sc.seccompProfile?.type ?? pod.seccompProfile?.type) !== "RuntimeDefault") problems.push(`${cw}: seccompProfile must be RuntimeDefault`);
      if (!container.resources?.requests || !container.resources?.limits) problems.push(`${cw}: needs resource requests and limits`);
    }
  }
  for (const sa of byKind(objects, "ServiceAccount")) {
    if (sa.automountServiceAccountToken !== false) problems.push(`ServiceAccount/${sa.metadata.name}: automountServiceAccountToken must be false`);
  }
  return problems;
}

// Every secret value the render knows: from the values, and from the rendered Secrets (generated
// ones included), with the password part of each URL on its own.
function secretValues(objects, values) {
  const found = new Set();
  const add = (v) => {
    if (typeof v !== "string" || v.length < 8) return;
    found.add(v);
    const password = v.match(/^postgres(?:ql)?:\/\/[^:/@]+:([^@]+)@/);
    if (password) found.add(password[1]);
    if (v.includes(",")) v.split(",").forEach((part) => part.length >= 8 && found.add(part));
  };
  const s = values.secrets;
  [s.ingestDatabaseUrl, s.matchingDatabaseUrl, s.timelineDatabaseUrl, s.migrationDatabaseUrl, s.readDatabaseUrl, s.listenDatabaseUrl, s.internalToken, s.secretsKeys].forEach(add);
  const auth = values.postgresql.auth;
  [auth.superuserPassword, auth.ownerPassword, auth.ingestPassword, auth.matchingPassword, auth.timelinePassword].forEach(add);
  for (const secret of byKind(objects, "Secret")) {
    for (const v of Object.values(secret.data || {})) add(Buffer.from(v, "base64").toString("utf8"));
    for (const v of Object.values(secret.stringData || {})) add(v);
  }
  return [...found];
}

function secretLeakProblems(objects, values) {
  const problems = [];
  const secrets = secretValues(objects, values);
  if (secrets.length === 0) problems.push("no secret values found to check against (the check would be vacuous)");
  for (const cm of byKind(objects, "ConfigMap")) {
    for (const [key, value] of Object.entries(cm.data || {})) {
      if (SECRET_KEYS.includes(key) || SECRET_ENV.includes(key)) problems.push(`ConfigMap/${cm.metadata.name} has the secret key ${key}`);
      for (const secret of secrets) {
        if (String(value).includes(secret)) problems.push(`ConfigMap/${cm.metadata.name} ${key} contains a secret value`);
      }
    }
  }
  // Secret settings reach containers only through secretKeyRef, never as literal values; and
  // nothing else in a pod spec (args, annotations, ...) carries a secret value.
  for (const w of workloads(objects)) {
    const spec = podSpecOf(w);
    for (const container of [...(spec.initContainers || []), ...spec.containers]) {
      for (const env of container.env || []) {
        if (SECRET_ENV.includes(env.name) && !env.valueFrom?.secretKeyRef) problems.push(`${w.kind}/${w.metadata.name} sets ${env.name} without a secretKeyRef`);
      }
    }
    const text = JSON.stringify(w);
    for (const secret of secrets) if (text.includes(secret)) problems.push(`${w.kind}/${w.metadata.name} contains a secret value`);
  }
  return problems;
}

// Who a PostgreSQL URI logs in as: the user before the @, or the whole URI when it names none.
const loginOf = (url) => url.match(/^postgres(?:ql)?:\/\/([^:@/?#]+)(?::[^@/?#]*)?@/)?.[1] ?? url;
const secretData = (secret, key) => (secret?.data?.[key] === undefined ? undefined : Buffer.from(secret.data[key], "base64").toString("utf8"));
const envOf = (w, name) => (podSpecOf(w).containers[0].env || []).find((e) => e.name === name);

// Each service reads its own login from its own Secret key; the gateway reads none; the Secret
// the chart makes holds three URLs of three different logins, none of them the owner.
function databaseLoginProblems(objects, values) {
  const problems = [];
  const secretName = values.secrets.existingSecret || fullname;
  for (const d of byKind(objects, "Deployment")) {
    const c = component(d);
    const url = envOf(d, "AIEVENTS_DATABASE_URL")?.valueFrom?.secretKeyRef;
    if (c === "gateway") {
      for (const name of ["AIEVENTS_DATABASE_URL", "AIEVENTS_READ_DATABASE_URL", "AIEVENTS_LISTEN_DATABASE_URL"]) {
        if (envOf(d, name)) problems.push(`the gateway has ${name}`);
      }
      continue;
    }
    if (url?.key !== `${c}-database-url` || url?.name !== secretName) problems.push(`Deployment/${d.metadata.name} reads AIEVENTS_DATABASE_URL from ${url?.name}/${url?.key}, expected ${secretName}/${c}-database-url`);
    if (c !== "timeline" && (envOf(d, "AIEVENTS_READ_DATABASE_URL") || envOf(d, "AIEVENTS_LISTEN_DATABASE_URL"))) problems.push(`Deployment/${d.metadata.name} gets the timeline's replica or LISTEN URL`);
  }
  const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === fullname);
  if (values.secrets.existingSecret) {
    if (secret) problems.push("a Secret is made although secrets.existingSecret is set");
    return problems;
  }
  if (!secret) return [...problems, `no Secret ${fullname}`];
  if ("database-url" in secret.data) problems.push("the Secret still has the shared key database-url");
  const owner = loginOf(secretData(secret, "migration-database-url") || "");
  const logins = new Map();
  for (const c of SERVICES) {
    const url = secretData(secret, `${c}-database-url`);
    if (!url) { problems.push(`the Secret has no ${c}-database-url`); continue; }
    const login = loginOf(url);
    if (login === owner) problems.push(`${c}-database-url logs in as the owner`);
    if (logins.has(login)) problems.push(`${c}-database-url and ${logins.get(login)}-database-url log in as the same ${login}`);
    logins.set(login, c);
    if (values.postgresql.enabled && login !== DATABASE_ROLE[c]) problems.push(`${c}-database-url logs in as ${login}, expected ${DATABASE_ROLE[c]}`);
    if (!values.postgresql.enabled && url !== values.secrets[`${c}DatabaseUrl`]) problems.push(`${c}-database-url is not secrets.${c}DatabaseUrl`);
  }
  return problems;
}

const hookEvents = (o) => (annotations(o)["helm.sh/hook"] || "").split(",").map((e) => e.trim()).filter(Boolean).sort();
const hookWeight = (o) => Number(annotations(o)["helm.sh/hook-weight"] || 0);

function hookProblems(objects, values) {
  const problems = [];
  const jobs = byKind(objects, "Job").filter((j) => component(j) === "migration");
  if (values.migration.enabled && jobs.length !== 1) return [`expected one migration Job, found ${jobs.length}`];
  if (!values.migration.enabled) return jobs.length ? ["migration Job rendered with migration.enabled false"] : [];
  const job = jobs[0];
  const expected = (values.postgresql.enabled ? ["post-install", "pre-upgrade"] : ["pre-install", "pre-upgrade"]).sort();
  if (JSON.stringify(hookEvents(job)) !== JSON.stringify(expected)) problems.push(`migration Job hook is ${hookEvents(job)}, expected ${expected}`);
  if (!(annotations(job)["helm.sh/hook-delete-policy"] || "").includes("before-hook-creation")) problems.push("migration Job needs hook-delete-policy before-hook-creation");
  if (!job.spec.activeDeadlineSeconds) problems.push("migration Job needs activeDeadlineSeconds");
  if (job.spec.backoffLimit === undefined) problems.push("migration Job needs backoffLimit");
  const spec = podSpecOf(job);
  const container = spec.containers.find((c) => (c.args || []).includes("migrate"));
  if (!container) problems.push("migration Job does not run `migrate`");
  const url = container?.env?.find((e) => e.name === "AIEVENTS_DATABASE_URL")?.valueFrom?.secretKeyRef;
  if (url?.key !== "migration-database-url") problems.push("migration Job must use migration-database-url (the owner)");
  // What the Job needs must exist when it runs: made by the chart, it is a hook of the same
  // events with a smaller weight; a normal release object does not exist yet at pre-install.
  const needs = [["Secret", url?.name], ["ServiceAccount", spec.serviceAccountName]];
  for (const [kind, name] of needs) {
    const dep = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!dep) continue; // made outside the chart (existingSecret, serviceAccount.create false)
    if (hookEvents(dep).length === 0) {
      if (expected.includes("pre-install")) problems.push(`${kind}/${name} is a normal release object, so it does not exist yet when the pre-install migration runs`);
    } else {
      if (JSON.stringify(hookEvents(dep)) !== JSON.stringify(expected)) problems.push(`${kind}/${name} hook events ${hookEvents(dep)} differ from the Job's ${expected}`);
      if (!(hookWeight(dep) < hookWeight(job))) problems.push(`${kind}/${name} hook weight ${hookWeight(dep)} must be below the Job's ${hookWeight(job)}`);
    }
  }
  const tests = byKind(objects, "Pod").filter((p) => hookEvents(p).includes("test"));
  if (tests.length !== 1) problems.push(`expected one helm test Pod, found ${tests.length}`);
  return problems;
}

function exposureProblems(objects, values) {
  const problems = [];
  const gatewayService = `${fullname}-gateway`;
  for (const svc of byKind(objects, "Service")) {
    const name = svc.metadata.name;
    const headless = svc.spec.clusterIP === "None";
    const type = svc.spec.type || "ClusterIP";
    if (name === gatewayService) {
      if (type !== values.gateway.service.type) problems.push(`gateway Service type ${type}, values say ${values.gateway.service.type}`);
      if (svc.spec.ports.some((p) => p.port === ADMIN_PORT.gateway || p.targetPort === "admin")) problems.push("the gateway's public Service exposes the admin port");
      continue;
    }
    if (!headless) problems.push(`Service/${name} is not headless: only the gateway's Service may have a virtual IP`);
    if (type !== "ClusterIP") problems.push(`Service/${name} is of type ${type}: only the gateway's may be exposed`);
    if (svc.spec.ports.some((p) => p.targetPort === "http")) problems.push(`Service/${name} carries the gateway's public port`);
  }
  if (!byKind(objects, "Service").some((s) => s.metadata.name === gatewayService)) problems.push("no gateway Service");
  for (const ing of byKind(objects, "Ingress")) {
    const backends = [ing.spec.defaultBackend, ...(ing.spec.rules || []).flatMap((r) => (r.http?.paths || []).map((p) => p.backend))].filter(Boolean);
    for (const b of backends) if (b.service?.name !== gatewayService) problems.push(`Ingress/${ing.metadata.name} points at ${b.service?.name || "a resource"}`);
  }
  if (values.ingress.enabled !== (byKind(objects, "Ingress").length === 1)) problems.push(`ingress.enabled is ${values.ingress.enabled} but ${byKind(objects, "Ingress").length} Ingresses rendered`);
  // The gRPC addresses the pods get must name headless Services that exist, on the right port.
  for (const cm of byKind(objects, "ConfigMap")) {
    for (const [key, value] of Object.entries(cm.data || {})) {
      const m = /^AIEVENTS_(INGEST|MATCHING|TIMELINE)_ADDRESS$/.exec(key);
      if (!m) continue;
      const peer = m[1].toLowerCase();
      const want = `dns:///${fullname}-${peer}-headless.${namespace}.svc.${values.clusterDomain}:${GRPC_PORT[peer]}`;
      if (value !== want) problems.push(`ConfigMap/${cm.metadata.name} ${key} is ${value}, expected ${want}`);
      const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === `${fullname}-${peer}-headless`);
      if (!svc || svc.spec.clusterIP !== "None" || !svc.spec.ports.some((p) => p.port === GRPC_PORT[peer])) problems.push(`no headless Service behind ${key}`);
    }
  }
  return problems;
}

function networkPolicyProblems(objects, values) {
  const policies = byKind(objects, "NetworkPolicy");
  if (!values.networkPolicy.enabled) return policies.length ? [`networkPolicy.enabled is false but ${policies.length} NetworkPolicies rendered`] : [];
  const problems = [];
  const podsOf = (c) => workloads(objects).filter((w) => component(w) === c);
  for (const c of [...COMPONENTS, ...(values.postgresql.enabled ? ["postgresql"] : [])]) {
    const policy = policies.find((p) => p.spec.podSelector?.matchLabels?.["app.kubernetes.io/component"] === c);
    if (!policy) { problems.push(`no NetworkPolicy selects the ${c} pods`); continue; }
    const types = [...(policy.spec.policyTypes || [])].sort().join(",");
    if (types !== "Egress,Ingress") problems.push(`NetworkPolicy/${policy.metadata.name} must restrict Ingress and Egress`);
    for (const w of podsOf(c)) {
      const labels = w.kind === "Pod" ? w.metadata.labels : w.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels)) if (labels[k] !== v) problems.push(`NetworkPolicy/${policy.metadata.name} does not select ${w.kind}/${w.metadata.name}`);
    }
    if (CALLERS[c]) {
      const rule = (policy.spec.ingress || []).find((r) => (r.ports || []).some((p) => p.port === GRPC_PORT[c]));
      const allowed = rule?.from?.flatMap((peer) => peer.podSelector?.matchExpressions?.find((e) => e.key === "app.kubernetes.io/component")?.values || []) || null;
      if (!rule || !rule.from) problems.push(`NetworkPolicy/${policy.metadata.name} lets anyone reach gRPC ${GRPC_PORT[c]}`);
      else if (JSON.stringify([...allowed].sort()) !== JSON.stringify([...CALLERS[c]].sort())) problems.push(`NetworkPolicy/${policy.metadata.name} allows ${allowed} on gRPC, expected ${CALLERS[c]}`);
    }
    if (c !== "postgresql") {
      const egress = policy.spec.egress || [];
      // gRPC egress to exactly the components this one calls.
      const reached = egress.flatMap((r) => (r.to || []).map((peer) => peer.podSelector?.matchLabels?.["app.kubernetes.io/component"]))
        .filter((peer) => COMPONENTS.includes(peer));
      if (JSON.stringify([...reached].sort()) !== JSON.stringify([...CALLS[c]].sort())) problems.push(`NetworkPolicy/${policy.metadata.name} lets ${c} reach ${reached}, expected ${CALLS[c]}`);
      if (!egress.every((r) => r.to && r.to.length && r.ports && r.ports.length)) problems.push(`NetworkPolicy/${policy.metadata.name} has an egress rule without destinations or ports`);
      if (!egress.some((r) => r.ports.some((p) => p.port === 53))) problems.push(`NetworkPolicy/${policy.metadata.name} does not allow DNS`);
      const dbPort = values.postgresql.enabled ? 5432 : values.networkPolicy.database.port;
      const reachesDb = egress.some((r) => r.ports.some((p) => p.port === dbPort));
      if (c === "gateway" && reachesDb) problems.push("the gateway may reach the database");
      if (c !== "gateway" && !reachesDb) problems.push(`NetworkPolicy/${policy.metadata.name} does not allow the database`);
    }
  }
  return problems;
}

function drainProblems(objects) {
  const problems = [];
  for (const d of byKind(objects, "Deployment")) {
    const spec = podSpecOf(d);
    const container = spec.containers[0];
    const sleep = container.lifecycle?.preStop?.exec?.command;
    const seconds = sleep && sleep[0] === "/bin/sleep" ? Number(sleep[1]) : NaN;
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === container.envFrom?.[0]?.configMapRef?.name);
    const drainMs = Number(cm?.data?.AIEVENTS_DRAIN_TIMEOUT_MS);
    if (!Number.isFinite(seconds)) problems.push(`Deployment/${d.metadata.name}: preStop is not /bin/sleep N`);
    if (!Number.isFinite(drainMs)) problems.push(`Deployment/${d.metadata.name}: AIEVENTS_DRAIN_TIMEOUT_MS is not in its ConfigMap`);
    if (!(spec.terminationGracePeriodSeconds > seconds + drainMs / 1000)) {
      problems.push(`Deployment/${d.metadata.name}: terminationGracePeriodSeconds ${spec.terminationGracePeriodSeconds} is not above preStop ${seconds}s + drain ${drainMs / 1000}s`);
    }
    const annotations = d.spec.template.metadata.annotations || {};
    if (!/^[0-9a-f]{64}$/.test(annotations["checksum/config"] || "")) problems.push(`Deployment/${d.metadata.name} has no checksum/config annotation`);
    if (component(d) !== "gateway" && !/^[0-9a-f]{64}$/.test(annotations["checksum/secret"] || "")) problems.push(`Deployment/${d.metadata.name} has no checksum/secret annotation`);
  }
  return problems;
}

function scalingProblems(objects, values) {
  const problems = [];
  const hpas = byKind(objects, "HorizontalPodAutoscaler");
  for (const c of COMPONENTS) {
    const want = values[c].autoscaling.enabled;
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === `${fullname}-${c}`);
    const deployment = byKind(objects, "Deployment").find((d) => d.metadata.name === `${fullname}-${c}`);
    if (want && !hpa) problems.push(`${c}.autoscaling.enabled but no HPA`);
    if (!want && hpa) problems.push(`${c}.autoscaling disabled but an HPA is rendered`);
    if (hpa && (hpa.apiVersion !== "autoscaling/v2" || hpa.spec.scaleTargetRef.kind !== "Deployment")) problems.push(`HPA of ${c} must be autoscaling/v2 on the Deployment`);
    if (hpa && deployment?.spec.replicas !== undefined) problems.push(`Deployment of ${c} sets replicas although an HPA scales it`);
    if (!want && deployment?.spec.replicas !== values[c].replicaCount) problems.push(`Deployment of ${c} has ${deployment?.spec.replicas} replicas, values say ${values[c].replicaCount}`);
    const pdb = byKind(objects, "PodDisruptionBudget").find((p) => p.spec.selector.matchLabels["app.kubernetes.io/component"] === c);
    if (values[c].pdb.enabled !== Boolean(pdb)) problems.push(`PDB of ${c} does not follow ${c}.pdb.enabled`);
  }
  return problems;
}

function serviceMonitorProblems(objects, values) {
  const monitors = byKind(objects, "ServiceMonitor");
  if (!values.serviceMonitor.enabled) return monitors.length ? ["ServiceMonitor rendered while disabled"] : [];
  if (monitors.length !== 1) return [`expected one ServiceMonitor, found ${monitors.length}`];
  const problems = [];
  const selector = monitors[0].spec.selector.matchLabels;
  const scraped = byKind(objects, "Service").filter((s) => Object.entries(selector).every(([k, v]) => s.metadata.labels?.[k] === v));
  for (const c of COMPONENTS) {
    if (!scraped.some((s) => component(s) === c && s.spec.ports.some((p) => p.name === "admin" && p.port === ADMIN_PORT[c]))) problems.push(`the ServiceMonitor does not scrape ${c}'s admin port`);
  }
  if (scraped.some((s) => s.metadata.name === `${fullname}-gateway`)) problems.push("the ServiceMonitor selects the gateway's public Service");
  if (!monitors[0].spec.endpoints.every((e) => e.port === "admin" && e.path === "/metrics")) problems.push("ServiceMonitor endpoints must be port admin, /metrics");
  return problems;
}

const RULES = {
  probes: probeProblems,
  security: securityProblems,
  secrets: secretLeakProblems,
  databaseLogins: databaseLoginProblems,
  hooks: hookProblems,
  exposure: exposureProblems,
  networkPolicies: networkPolicyProblems,
  drain: drainProblems,
  scaling: scalingProblems,
  serviceMonitor: serviceMonitorProblems,
};

// ---------------------------------------------------------------------------------------------
// The scenarios: the defaults and every ci/ file.

const ciDir = path.join(chart, "ci");
const scenarios = [
  { name: "default values", files: [] },
  ...fs.readdirSync(ciDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => ({ name: `ci/${f}`, files: [path.join(ciDir, f)] })),
];

test("helm is usable", () => {
  const result = runHelm(["version", "--short"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^v3\./);
});

test("the ci/ folder has the expected scenarios", () => {
  for (const want of ["external-db", "bundled-db", "autoscaling-off", "ingress-tls", "networkpolicies-off", "pgbouncer-transaction"]) {
    assert.ok(scenarios.some((s) => s.name.includes(want)), `ci/${want}-values.yaml is missing`);
  }
});

for (const scenario of scenarios) {
  describe(scenario.name, () => {
    const values = mergedValues(scenario.files);
    let objects;

    test("helm lint --strict", () => {
      const args = ["lint", "--strict", chart, "--namespace", namespace];
      for (const file of scenario.files) args.push("-f", file);
      const result = runHelm(args);
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    });

    test("helm template renders", () => {
      objects = render(scenario.files);
      assert.ok(objects.length > 10, `only ${objects.length} objects`);
      for (const o of objects) assert.ok(o.metadata.labels?.["app.kubernetes.io/instance"] === release && o.metadata.labels?.["app.kubernetes.io/name"], `${o.kind}/${o.metadata.name} lacks the standard labels`);
    });

    test("every object is valid against the Kubernetes API schemas", async () => {
      assert.deepEqual(await schemaProblems(objects), []);
    });

    for (const [rule, check] of Object.entries(RULES)) {
      test(`rule: ${rule}`, () => assert.deepEqual(check(objects, values), []));
    }

    test("NOTES.txt renders, with the bundled-database warning exactly when bundled", () => {
      const notes = renderNotes(scenario.files);
      assert.match(notes, /create-tenant/);
      assert.match(notes, /create-key/);
      assert.equal(/WARNING: the bundled PostgreSQL/.test(notes), Boolean(values.postgresql.enabled));
    });
  });
}

describe("values that must be refused", () => {
  const cases = [
    ["gateway.replicaCount=two", /gateway\.replicaCount/],
    ["gateway.service.type=External", /gateway\.service\.type/],
    ["notAValue=1", /Additional property notAValue/],
    ["ingest.config.batchMaxEvnts=5", /Additional property batchMaxEvnts/],
    ["config.logLevel=verbose", /config\.logLevel/],
    ["serviceConfig.authCacheSeconds=10", /authCacheSeconds/],
    ["networkPolicy.enabled=maybe", /networkPolicy\.enabled/],
    ["secrets.internalToken=too-short", /internalToken/],
    ["secrets.ingestDatabaseUrl=mysql://db/aievents", /ingestDatabaseUrl/],
    ["secrets.timelineDatabaseUrl=db.example:5432", /timelineDatabaseUrl/],
    ["secrets.secretsKeys=not-base64", /secretsKeys/],
    ["postgresql.auth.ownerPassword=has@at", /ownerPassword/],
    ["gateway.terminationGracePeriodSeconds=25", /terminationGracePeriodSeconds \(25\) must be greater/],
    ["ingest.preStopSleepSeconds=30", /ingest\.terminationGracePeriodSeconds/],
    ["gateway.config.maxWebhookBodyBytes=33554432", /must fit in config\.grpcMaxMessageBytes/],
    ["secrets.migrationDatabaseUrl=postgresql://aievents_ingest@postgresql:5432/aievents", /secrets\.ingestDatabaseUrl must log in as the service's non-owner role/],
    ["postgresql.auth.ingestPassword=has@at", /ingestPassword/],
    ["timeline.config.ingestTimeoutMs=5000", /Additional property ingestTimeoutMs/],
    ["serviceConfig.dbPoolerMode=statement", /dbPoolerMode/],
    ["serviceConfig.dbPoolerMode=transaction", /needs secrets\.listenDatabaseUrl/],
    ["secrets.listenDatabaseUrl=db.example:5432", /listenDatabaseUrl/],
  ];
  for (const [set, message] of cases) {
    test(`--set ${set}`, () => {
      const result = runHelm(["template", release, chart, "--namespace", namespace, "--set", set]);
      assert.notEqual(result.status, 0, `helm template accepted --set ${set}`);
      assert.match(result.stderr, message);
    });
  }
});

describe("transaction pooling (ci/pgbouncer-transaction-values.yaml)", () => {
  const objects = render([path.join(ciDir, "pgbouncer-transaction-values.yaml")]);
  const values = mergedValues([path.join(ciDir, "pgbouncer-transaction-values.yaml")]);
  const configOf = (c) => objects.find((o) => o.kind === "ConfigMap" && component(o) === c).data;
  test("the services are told, the gateway is not", () => {
    for (const c of ["ingest", "matching", "timeline"]) assert.equal(configOf(c).AIEVENTS_DB_POOLER_MODE, "transaction", c);
    assert.equal(configOf("gateway").AIEVENTS_DB_POOLER_MODE, undefined);
  });
  test("the timeline LISTENs on the direct URL from the Secret", () => {
    const timeline = objects.find((o) => o.kind === "Deployment" && component(o) === "timeline");
    const env = podSpecOf(timeline).containers[0].env.find((e) => e.name === "AIEVENTS_LISTEN_DATABASE_URL");
    assert.equal(env?.valueFrom?.secretKeyRef?.key, "listen-database-url");
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === fullname);
    assert.equal(Buffer.from(secret.data["listen-database-url"], "base64").toString(), values.secrets.listenDatabaseUrl);
  });
  test("the default is session mode", () => {
    const defaults = render([]);
    const ingest = defaults.find((o) => o.kind === "ConfigMap" && component(o) === "ingest").data;
    assert.equal(ingest.AIEVENTS_DB_POOLER_MODE, "session");
  });
});

describe("one database login per service", () => {
  const externalFile = path.join(ciDir, "external-db-values.yaml");
  const bundledFile = path.join(ciDir, "bundled-db-values.yaml");
  const refused = (sets) => {
    const args = ["template", release, chart, "--namespace", namespace];
    for (const set of sets) args.push("--set", set);
    const result = runHelm(args);
    assert.notEqual(result.status, 0, `helm template accepted --set ${sets.join(" --set ")}`);
    return result.stderr;
  };

  test("each service's Deployment reads its own key, the gateway none", () => {
    for (const [files, sets] of [[[], []], [[externalFile], []], [[], ["secrets.existingSecret=mine"]]]) {
      const objects = render(files, sets);
      const secretName = sets.length ? "mine" : fullname;
      for (const c of SERVICES) {
        const d = objects.find((o) => o.kind === "Deployment" && component(o) === c);
        assert.deepEqual(envOf(d, "AIEVENTS_DATABASE_URL").valueFrom.secretKeyRef, { name: secretName, key: `${c}-database-url` }, c);
      }
      const gateway = objects.find((o) => o.kind === "Deployment" && component(o) === "gateway");
      assert.equal((podSpecOf(gateway).containers[0].env || []).some((e) => /DATABASE_URL/.test(e.name)), false);
    }
  });

  test("the chart-made Secret holds the three values as given, and no database-url", () => {
    const objects = render([externalFile]);
    const values = mergedValues([externalFile]);
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === fullname);
    for (const c of SERVICES) {
      const url = secretData(secret, `${c}-database-url`);
      assert.equal(url, values.secrets[`${c}DatabaseUrl`]);
      assert.equal(loginOf(url), DATABASE_ROLE[c]);
    }
    assert.equal(secretData(secret, "database-url"), undefined);
  });

  test("the old secrets.databaseUrl is refused, naming the three new values", () => {
    for (const files of [[], [externalFile], [bundledFile]]) {
      const args = ["template", release, chart, "--namespace", namespace, "--set", "secrets.databaseUrl=postgresql://aievents_service@db:5432/aievents"];
      for (const file of files) args.push("-f", file);
      const result = runHelm(args);
      assert.notEqual(result.status, 0, "secrets.databaseUrl was accepted");
      for (const want of [/secrets\.databaseUrl is gone/, /secrets\.ingestDatabaseUrl/, /secrets\.matchingDatabaseUrl/, /secrets\.timelineDatabaseUrl/, /docs\/operations\.md, \\?"Database roles\\?"/]) {
        assert.match(result.stderr, want);
      }
    }
  });

  test("the bundled database's old serviceUser and servicePassword are refused", () => {
    assert.match(refused(["postgresql.enabled=true", "postgresql.auth.servicePassword=x1"]), /servicePassword are gone.*ingestPassword/);
    assert.match(refused(["postgresql.enabled=true", "postgresql.auth.serviceUser=aievents_service"]), /serviceUser and servicePassword are gone/);
  });

  test("two services sharing a URL or a login are refused", () => {
    const ingest = mergedValues([]).secrets.ingestDatabaseUrl;
    assert.match(refused([`secrets.matchingDatabaseUrl=${ingest}`]), /secrets\.ingestDatabaseUrl and secrets\.matchingDatabaseUrl log in as the same role/);
    assert.match(refused([`secrets.timelineDatabaseUrl=${ingest}`]), /secrets\.ingestDatabaseUrl and secrets\.timelineDatabaseUrl log in as the same role/);
    // The same login through another host (a pooler) is still the same role.
    assert.match(refused(["secrets.timelineDatabaseUrl=postgresql://aievents_matching:pw@pgbouncer:6432/aievents"]), /secrets\.matchingDatabaseUrl and secrets\.timelineDatabaseUrl log in as the same role/);
    // Identical URLs without a user in them are refused too.
    assert.match(refused(["secrets.ingestDatabaseUrl=postgresql:///aievents", "secrets.matchingDatabaseUrl=postgresql:///aievents"]), /log in as the same role/);
  });

  test("a service logging in as the owner is refused, for each service", () => {
    const owner = mergedValues([]).secrets.migrationDatabaseUrl;
    for (const c of SERVICES) {
      assert.match(refused([`secrets.${c}DatabaseUrl=${owner}`]), new RegExp(`secrets\\.${c}DatabaseUrl must log in as the service's non-owner role \\(${DATABASE_ROLE[c]}\\)`));
    }
  });

  test("each of the three URLs is required with an external database", () => {
    for (const c of SERVICES) assert.match(refused([`secrets.${c}DatabaseUrl=`]), /ingestDatabaseUrl, secrets\.matchingDatabaseUrl, secrets\.timelineDatabaseUrl and secrets\.migrationDatabaseUrl are required/);
    render([], ["secrets.existingSecret=mine", ...SERVICES.map((c) => `secrets.${c}DatabaseUrl=`)]);
    render([bundledFile], SERVICES.map((c) => `secrets.${c}DatabaseUrl=`));
  });

  describe("the bundled PostgreSQL", () => {
    const initOf = (objects) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${fullname}-postgresql-init`).data["10-aievents-roles.sh"];
    const pgSecret = (objects) => objects.find((o) => o.kind === "Secret" && o.metadata.name === `${fullname}-postgresql`);
    const appSecret = (objects) => objects.find((o) => o.kind === "Secret" && o.metadata.name === fullname);

    test("its init creates aievents_app, then three login roles in it, each with its own password", () => {
      const script = initOf(render([bundledFile]));
      const app = script.indexOf("CREATE ROLE aievents_app NOLOGIN;");
      assert.ok(app >= 0, "aievents_app is not created");
      const logins = [...script.matchAll(/^\s*CREATE ROLE (\w+) LOGIN PASSWORD :'(\w+)' IN ROLE aievents_app;$/gm)];
      assert.deepEqual(logins.map((m) => m[1]).sort(), Object.values(DATABASE_ROLE).sort());
      assert.equal(new Set(logins.map((m) => m[2])).size, 3, "the logins share a password variable");
      for (const m of logins) assert.ok(m.index > app, `${m[1]} is created before aievents_app`);
      assert.doesNotMatch(script, /aievents_service|SERVICE_USER|SERVICE_PASSWORD/);
      // Each password variable comes from its own key of the database's Secret.
      const statefulSet = render([bundledFile]).find((o) => o.kind === "StatefulSet");
      const env = podSpecOf(statefulSet).containers[0].env;
      for (const c of SERVICES) {
        const variable = logins.find((m) => m[1] === DATABASE_ROLE[c])[2];
        const shellName = script.match(new RegExp(`-v ${variable}="\\$(\\w+)"`))?.[1];
        assert.ok(shellName, `${variable} is not passed to psql`);
        assert.deepEqual(env.find((e) => e.name === shellName)?.valueFrom?.secretKeyRef, { name: `${fullname}-postgresql`, key: `${c}-password` });
      }
    });

    test("the Secret holds three URLs of the three logins with their passwords", () => {
      for (const [files, sets] of [[[bundledFile], []], [[], ["postgresql.enabled=true"]]]) {
        const objects = render(files, sets);
        const passwords = SERVICES.map((c) => secretData(pgSecret(objects), `${c}-password`));
        assert.equal(new Set(passwords).size, 3, "the generated or given passwords are not distinct");
        const urls = SERVICES.map((c) => secretData(appSecret(objects), `${c}-database-url`));
        assert.equal(new Set(urls).size, 3);
        SERVICES.forEach((c, i) => {
          const m = urls[i].match(/^postgresql:\/\/(\w+):([^@]+)@([^:/]+):5432\/aievents$/);
          assert.ok(m, urls[i]);
          assert.equal(m[1], DATABASE_ROLE[c]);
          assert.equal(m[2], passwords[i]);
          assert.equal(m[3], `${fullname}-postgresql.${namespace}.svc.cluster.local`);
        });
        assert.equal(secretData(pgSecret(objects), "service-password"), undefined);
      }
      const given = mergedValues([bundledFile]).postgresql.auth;
      const objects = render([bundledFile]);
      for (const c of SERVICES) assert.equal(secretData(pgSecret(objects), `${c}-password`), given[`${c}Password`]);
    });
  });
});

describe("the timeline calls no one", () => {
  for (const scenario of [{ name: "default values", files: [] }, { name: "ci/bundled-db-values.yaml", files: [path.join(ciDir, "bundled-db-values.yaml")] }]) {
    test(`${scenario.name}: no egress from the timeline to ingest, no ingest address`, () => {
      const objects = render(scenario.files);
      const policy = objects.find((o) => o.kind === "NetworkPolicy" && component(o) === "timeline");
      const peers = policy.spec.egress.flatMap((r) => r.to.map((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/component"]));
      assert.equal(peers.includes("ingest"), false, "the timeline may reach ingest");
      assert.deepEqual(peers.filter((p) => COMPONENTS.includes(p)), []);
      assert.equal(policy.spec.egress.some((r) => r.ports.some((p) => p.port === GRPC_PORT.ingest)), false);
      const config = objects.find((o) => o.kind === "ConfigMap" && component(o) === "timeline").data;
      assert.deepEqual(Object.keys(config).filter((k) => /^AIEVENTS_(INGEST|MATCHING|TIMELINE)_/.test(k)), []);
      const ingest = objects.find((o) => o.kind === "NetworkPolicy" && component(o) === "ingest");
      const rule = ingest.spec.ingress.find((r) => r.ports.some((p) => p.port === GRPC_PORT.ingest));
      assert.deepEqual([...rule.from[0].podSelector.matchExpressions[0].values].sort(), ["gateway", "matching"]);
    });
  }
});

describe("pods roll when settings change", () => {
  test("checksum/config follows the component's settings", () => {
    const checksum = (objects, c) => objects.find((o) => o.kind === "Deployment" && component(o) === c).spec.template.metadata.annotations["checksum/config"];
    const before = render([]);
    const after = render([], ["ingest.config.batchMaxEvents=100"]);
    assert.notEqual(checksum(after, "ingest"), checksum(before, "ingest"));
    assert.equal(checksum(after, "gateway"), checksum(before, "gateway"));
  });
  test("checksum/secret follows the secret values", () => {
    const checksum = (objects) => objects.find((o) => o.kind === "Deployment" && component(o) === "ingest").spec.template.metadata.annotations["checksum/secret"];
    assert.notEqual(checksum(render([], ["secrets.internalToken=0123456789abcdef0123456789abcdef-rotated"])), checksum(render([])));
  });
});

// Each rule must be able to fail: break a rendered default release in one way per rule and
// expect that rule to complain.
describe("each rule notices a broken release", () => {
  const values = mergedValues([]);
  const fresh = () => structuredClone(baseline);
  const baseline = render([]);
  const find = (objects, kind, c) => objects.find((o) => o.kind === kind && component(o) === c);
  const breakages = [
    ["probes", "a service without readiness", (o) => { delete podSpecOf(find(o, "Deployment", "matching")).containers[0].readinessProbe; }],
    ["probes", "HTTP readiness instead of grpc", (o) => { podSpecOf(find(o, "Deployment", "ingest")).containers[0].readinessProbe = { httpGet: { path: "/readyz", port: "admin" } }; }],
    ["security", "a writable root filesystem", (o) => { podSpecOf(find(o, "Deployment", "timeline")).containers[0].securityContext.readOnlyRootFilesystem = false; }],
    ["security", "a root test pod", (o) => { podSpecOf(o.find((x) => x.kind === "Pod")).securityContext.runAsUser = 0; }],
    ["security", "the migration keeps its capabilities", (o) => { podSpecOf(find(o, "Job", "migration")).containers[0].securityContext.capabilities = {}; }],
    ["secrets", "the token in a ConfigMap", (o) => {
      const token = Buffer.from(o.find((x) => x.kind === "Secret" && x.metadata.name === fullname).data["internal-token"], "base64").toString();
      find(o, "ConfigMap", "ingest").data.AIEVENTS_SOMETHING = token;
    }],
    ["secrets", "the database URL as a literal env value", (o) => { podSpecOf(find(o, "Deployment", "ingest")).containers[0].env[0] = { name: "AIEVENTS_DATABASE_URL", value: "x" }; }],
    ["databaseLogins", "matching reading the ingest login", (o) => { podSpecOf(find(o, "Deployment", "matching")).containers[0].env.find((e) => e.name === "AIEVENTS_DATABASE_URL").valueFrom.secretKeyRef.key = "ingest-database-url"; }],
    ["databaseLogins", "the old shared key", (o) => { podSpecOf(find(o, "Deployment", "timeline")).containers[0].env.find((e) => e.name === "AIEVENTS_DATABASE_URL").valueFrom.secretKeyRef.key = "database-url"; }],
    ["databaseLogins", "the gateway with a database URL", (o) => { podSpecOf(find(o, "Deployment", "gateway")).containers[0].env = [structuredClone(podSpecOf(find(o, "Deployment", "ingest")).containers[0].env[0])]; }],
    ["databaseLogins", "two services' URLs the same login", (o) => {
      const secret = o.find((x) => x.kind === "Secret" && x.metadata.name === fullname);
      secret.data["matching-database-url"] = secret.data["ingest-database-url"];
    }],
    ["hooks", "the migration after install", (o) => { annotations(find(o, "Job", "migration"))["helm.sh/hook"] = "post-install,post-upgrade"; }],
    ["hooks", "its Secret created after it", (o) => { o.find((x) => x.kind === "Secret" && hookEvents(x).length).metadata.annotations["helm.sh/hook-weight"] = "5"; }],
    ["hooks", "its ServiceAccount a normal object", (o) => { delete o.find((x) => x.kind === "ServiceAccount" && hookEvents(x).length).metadata.annotations; }],
    ["exposure", "ingest behind a LoadBalancer", (o) => { const s = o.find((x) => x.kind === "Service" && x.metadata.name === `${fullname}-ingest-headless`); s.spec.type = "LoadBalancer"; delete s.spec.clusterIP; }],
    ["exposure", "an Ingress to timeline", (o) => { o.push({ kind: "Ingress", metadata: { name: "x" }, spec: { rules: [{ http: { paths: [{ backend: { service: { name: `${fullname}-timeline-headless` } } }] } }] } }); }],
    ["exposure", "an address with the wrong port", (o) => { find(o, "ConfigMap", "gateway").data.AIEVENTS_INGEST_ADDRESS = `dns:///${fullname}-ingest-headless.${namespace}.svc.cluster.local:1`; }],
    ["networkPolicies", "no policy for matching", (o) => { o.splice(o.indexOf(find(o, "NetworkPolicy", "matching")), 1); }],
    ["networkPolicies", "timeline reachable from ingest", (o) => { find(o, "NetworkPolicy", "timeline").spec.ingress[0].from[0].podSelector.matchExpressions[0].values.push("ingest"); }],
    ["networkPolicies", "ingest reachable from timeline again", (o) => { find(o, "NetworkPolicy", "ingest").spec.ingress[0].from[0].podSelector.matchExpressions[0].values.push("timeline"); }],
    ["networkPolicies", "timeline calling ingest again", (o) => {
      const toIngest = find(o, "NetworkPolicy", "matching").spec.egress.find((r) => r.to[0].podSelector?.matchLabels?.["app.kubernetes.io/component"] === "ingest");
      find(o, "NetworkPolicy", "timeline").spec.egress.push(structuredClone(toIngest));
    }],
    ["networkPolicies", "the gateway reaching the database", (o) => { find(o, "NetworkPolicy", "gateway").spec.egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 5432 }] }); }],
    ["drain", "a grace period shorter than the drain", (o) => { podSpecOf(find(o, "Deployment", "gateway")).terminationGracePeriodSeconds = 20; }],
    ["drain", "no checksum annotation", (o) => { delete find(o, "Deployment", "ingest").spec.template.metadata.annotations["checksum/config"]; }],
    ["scaling", "no HPA for the gateway", (o) => { o.splice(o.indexOf(find(o, "HorizontalPodAutoscaler", "gateway")), 1); }],
    ["scaling", "an HPA for matching", (o) => { const h = structuredClone(find(o, "HorizontalPodAutoscaler", "ingest")); h.spec.scaleTargetRef.name = `${fullname}-matching`; o.push(h); }],
  ];
  for (const [rule, what, breakIt] of breakages) {
    test(`${rule}: ${what}`, () => {
      assert.deepEqual(RULES[rule](fresh(), values), [], "the unbroken release must pass");
      const broken = fresh();
      breakIt(broken);
      assert.notDeepEqual(RULES[rule](broken, values), [], `rule ${rule} did not notice: ${what}`);
    });
  }
  test("schemas: a wrong type and a misspelt field", async () => {
    const wrongType = fresh();
    podSpecOf(find(wrongType, "Deployment", "gateway")).containers[0].ports[0].containerPort = "eighty";
    assert.notDeepEqual(await schemaProblems(wrongType), []);
    const misspelt = fresh();
    const container = podSpecOf(find(misspelt, "Deployment", "gateway")).containers[0];
    container.readinesProbe = container.readinessProbe;
    assert.match((await schemaProblems(misspelt)).join("\n"), /readinesProbe is not a field/);
  });
  test("serviceMonitor: the gateway's public Service scraped", () => {
    const v = { ...values, serviceMonitor: { ...values.serviceMonitor, enabled: true } };
    const objects = render([], ["serviceMonitor.enabled=true"]);
    assert.deepEqual(serviceMonitorProblems(objects, v), []);
    objects.find((o) => o.kind === "Service" && o.metadata.name === `${fullname}-gateway`).metadata.labels["aievents.io/scrape"] = "true";
    assert.notDeepEqual(serviceMonitorProblems(objects, v), []);
  });
});
