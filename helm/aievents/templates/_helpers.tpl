{{/*
Helpers of the aievents chart. Names, labels and images are built here once so every template
agrees on them; the component table and the checks of values that the schema cannot express
(sums, cross-field rules) live here too.
*/}}

{{/* The chart name, overridable: the base of the app.kubernetes.io/name label. */}}
{{- define "aievents.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The prefix of every object name, at most 40 characters so that "<fullname>-<component>-headless"
(the longest name the chart makes) stays within the 63 characters of a DNS label.
*/}}
{{- define "aievents.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* chart label value: name-version, as helm.sh/chart expects. */}}
{{- define "aievents.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels of one component. Called with (dict "ctx" $ "component" "gateway"). They never
change across upgrades (selectors are immutable), so they hold no version.
*/}}
{{- define "aievents.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aievents.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of one component's objects: the selector labels plus the standard rest. */}}
{{- define "aievents.labels" -}}
{{ include "aievents.selectorLabels" . }}
helm.sh/chart: {{ include "aievents.chart" .ctx }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: aievents
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The four long-running components: ports, whom each one calls (for the NetworkPolicies), and
for the services their database role. Ports are the images' fixed contract. Each service logs
in as its own role (db/roles.sql, migration 0006 grants it only what that service does), read
from its own Secret key "<component>-database-url"; the gateway has no database.
*/}}
{{- define "aievents.components" -}}
gateway:
  http: 8080
  admin: 9090
  calls: [ingest, matching, timeline]
  callers: []
ingest:
  grpc: 7051
  admin: 9091
  calls: [matching]
  callers: [gateway, matching]
  databaseRole: aievents_ingest
matching:
  grpc: 7052
  admin: 9092
  calls: [ingest]
  callers: [gateway, ingest]
  databaseRole: aievents_matching
timeline:
  grpc: 7053
  admin: 9093
  calls: []
  callers: [gateway]
  databaseRole: aievents_timeline
{{- end -}}

{{/*
The services with a database login, in the order every template lists them. Their URL is the
value secrets.<service>DatabaseUrl and the Secret key "<service>-database-url".
*/}}
{{- define "aievents.databaseServices" -}}
[ingest, matching, timeline]
{{- end -}}

{{/*
Who a PostgreSQL URI logs in as, for comparing URLs: the user of postgres(ql)://USER[:PASSWORD]@,
or the whole URI when it names no user there (a user given otherwise cannot be seen).
*/}}
{{- define "aievents.databaseLogin" -}}
{{- $m := regexFind "^postgres(ql)?://[^:@/?#]+(:[^@/?#]*)?@" . -}}
{{- if $m -}}
{{- regexReplaceAll "^postgres(ql)?://([^:@/?#]+).*$" $m "${2}" -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/* One image reference: (dict "ctx" $ "component" "admin"). */}}
{{- define "aievents.image" -}}
{{- $image := .ctx.Values.image -}}
{{- printf "%s/%s%s:%s" (trimSuffix "/" $image.registry) $image.repositoryPrefix .component (default .ctx.Chart.AppVersion $image.tag) -}}
{{- end -}}

{{/* The Secret the pods read: the user's existingSecret or the chart-made one. */}}
{{- define "aievents.secretName" -}}
{{- default (include "aievents.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* The ServiceAccount of the pods. */}}
{{- define "aievents.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aievents.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The address a client gets for an internal service: gRPC's dns resolver on the headless Service,
so a client sees every ready pod and balances round_robin over them (see the chart README).
*/}}
{{- define "aievents.grpcAddress" -}}
{{- $components := include "aievents.components" .ctx | fromYaml -}}
{{- printf "dns:///%s-%s-headless.%s.svc.%s:%d" (include "aievents.fullname" .ctx) .component .ctx.Release.Namespace .ctx.Values.clusterDomain (int (get (get $components .component) "grpc")) -}}
{{- end -}}

{{/*
A value as an environment variable string. Helm reads YAML numbers as float64, which print as
1.6777216e+07; integers are printed as integers.
*/}}
{{- define "aievents.envValue" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . -}}{{ int64 . }}{{- else -}}{{ . }}{{- end -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/*
The non-secret settings of one component as a map of AIEVENTS_* names to strings: the fixed
listen addresses and peer addresses, then config (every process), serviceConfig (services)
and the component's own config. A key such as batchMaxEvents becomes AIEVENTS_BATCH_MAX_EVENTS;
null values are left out (the binary's default applies).
*/}}
{{- define "aievents.componentEnv" -}}
{{- $ctx := .ctx -}}
{{- $c := .component -}}
{{- $components := include "aievents.components" $ctx | fromYaml -}}
{{- $ports := get $components $c -}}
{{- $values := get $ctx.Values $c -}}
{{- $env := dict -}}
{{- $_ := set $env "AIEVENTS_ADMIN_HOST" "0.0.0.0" -}}
{{- $_ := set $env "AIEVENTS_ADMIN_PORT" (toString (int $ports.admin)) -}}
{{- $_ := set $env "AIEVENTS_DRAIN_TIMEOUT_MS" (include "aievents.envValue" $values.drainTimeoutMs) -}}
{{- $settings := list $ctx.Values.config -}}
{{- if eq $c "gateway" -}}
{{- $_ := set $env "AIEVENTS_LISTEN_HOST" "0.0.0.0" -}}
{{- $_ := set $env "AIEVENTS_LISTEN_PORT" (toString (int $ports.http)) -}}
{{- else -}}
{{- $_ := set $env "AIEVENTS_GRPC_LISTEN" (printf "0.0.0.0:%d" (int $ports.grpc)) -}}
{{- $settings = append $settings $ctx.Values.serviceConfig -}}
{{- end -}}
{{- range $peer := $ports.calls -}}
{{- $_ := set $env (printf "AIEVENTS_%s_ADDRESS" (upper $peer)) (include "aievents.grpcAddress" (dict "ctx" $ctx "component" $peer)) -}}
{{- end -}}
{{- $settings = append $settings $values.config -}}
{{- range $group := $settings -}}
{{- range $key, $value := $group -}}
{{- if not (kindIs "invalid" $value) -}}
{{- $_ := set $env (printf "AIEVENTS_%s" (snakecase $key | upper)) (include "aievents.envValue" $value) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
Checksum of the secret inputs, for the pods' checksum/secret annotation. It is taken from the
values (not the rendered Secret, whose generated parts are random under `helm template` and kept
by lookup on a live upgrade), so pods roll when a secret value or existingSecret changes.
*/}}
{{- define "aievents.secretChecksum" -}}
{{- dict "secrets" .Values.secrets "postgresql" .Values.postgresql.auth "bundled" .Values.postgresql.enabled | toJson | sha256sum -}}
{{- end -}}

{{/* The pod securityContext of aievents pods. */}}
{{- define "aievents.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext -}}
{{- end -}}

{{/* The container securityContext of aievents containers. */}}
{{- define "aievents.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext -}}
{{- end -}}

{{/*
Hook events of the migration Job and what it needs (its Secret and ServiceAccount). With an
external database: pre-install,pre-upgrade, so the schema is current before new pods start.
With the bundled PostgreSQL the database is a normal release resource that does not exist yet
at pre-install, so the first migration runs post-install (waiting for the database) and later
ones pre-upgrade.
*/}}
{{- define "aievents.migrationHookEvents" -}}
{{- if .Values.postgresql.enabled -}}post-install,pre-upgrade{{- else -}}pre-install,pre-upgrade{{- end -}}
{{- end -}}

{{/* Name of the bundled PostgreSQL's objects (StatefulSet, headless Service, Secret). */}}
{{- define "aievents.postgresqlName" -}}
{{- printf "%s-postgresql" (include "aievents.fullname" .) -}}
{{- end -}}

{{/* Host of the bundled PostgreSQL: its headless Service. */}}
{{- define "aievents.postgresqlHost" -}}
{{- printf "%s.%s.svc.%s" (include "aievents.postgresqlName" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/*
A secret value that is given in values, or else kept from the live Secret (lookup, on upgrades),
or else generated. (dict "ctx" $ "given" VALUE "secret" NAME "key" KEY "generate" "token|aeskey").
Generated values are cached in .Values._generated for the rest of the file being rendered:
Helm renders each template file with its own copy of the values, so everything that must agree
on one generated value (the URLs built from a bundled-database password) is in secret.yaml.
*/}}
{{- define "aievents.secretValue" -}}
{{- $ctx := .ctx -}}
{{- if .given -}}
{{- .given -}}
{{- else -}}
{{- if not (hasKey $ctx.Values "_generated") -}}{{- $_ := set $ctx.Values "_generated" dict -}}{{- end -}}
{{- $cacheKey := printf "%s/%s" .secret .key -}}
{{- if not (hasKey $ctx.Values._generated $cacheKey) -}}
{{- $existing := lookup "v1" "Secret" $ctx.Release.Namespace .secret -}}
{{- $value := "" -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- $value = index $existing.data .key | b64dec -}}
{{- else if eq .generate "aeskey" -}}
{{- $value = randBytes 32 -}}
{{- else -}}
{{- $value = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set $ctx.Values._generated $cacheKey $value -}}
{{- end -}}
{{- index $ctx.Values._generated $cacheKey -}}
{{- end -}}
{{- end -}}

{{/*
Checks the schema cannot express; every template that renders pods includes this, so a bad
combination stops `helm install`, `helm upgrade` and `helm template` with one clear message.
*/}}
{{- define "aievents.validate" -}}
{{- range $c := list "gateway" "ingest" "matching" "timeline" -}}
{{- $v := get $.Values $c -}}
{{- $needed := add (int $v.preStopSleepSeconds) (div (add (int64 $v.drainTimeoutMs) 999) 1000) -}}
{{- if le (int $v.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d) must be greater than %s.preStopSleepSeconds + %s.drainTimeoutMs in seconds (%d): otherwise the kubelet kills the pod while it drains" $c (int $v.terminationGracePeriodSeconds) $c $c (int $needed)) -}}
{{- end -}}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas must not exceed %s.autoscaling.maxReplicas" $c $c) -}}
{{- end -}}
{{- end -}}
{{- $max := int64 .Values.config.grpcMaxMessageBytes -}}
{{- range $key := list "maxBodyBytes" "maxWebhookBodyBytes" -}}
{{- $limit := get $.Values.gateway.config $key -}}
{{- if and (not (kindIs "invalid" $limit)) (gt (int64 $limit) $max) -}}
{{- fail (printf "gateway.config.%s (%d) must fit in config.grpcMaxMessageBytes (%d): the gateway refuses to start otherwise" $key (int64 $limit) $max) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.postgresql.enabled .Values.secrets.existingSecret -}}
{{- fail "postgresql.enabled builds the database URLs itself: leave secrets.existingSecret empty with the bundled PostgreSQL" -}}
{{- end -}}
{{- if hasKey .Values.secrets "databaseUrl" -}}
{{- fail "secrets.databaseUrl is gone: each service now logs in as its own role. Set secrets.ingestDatabaseUrl (aievents_ingest), secrets.matchingDatabaseUrl (aievents_matching) and secrets.timelineDatabaseUrl (aievents_timeline) instead, or the keys ingest-database-url, matching-database-url and timeline-database-url in secrets.existingSecret; create the roles first (docs/operations.md, \"Database roles\")" -}}
{{- end -}}
{{- if or (hasKey .Values.postgresql.auth "serviceUser") (hasKey .Values.postgresql.auth "servicePassword") -}}
{{- fail "postgresql.auth.serviceUser and servicePassword are gone: the bundled PostgreSQL makes one login per service (aievents_ingest, aievents_matching, aievents_timeline); set postgresql.auth.ingestPassword, matchingPassword and timelinePassword instead, or leave them empty for random ones" -}}
{{- end -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.secrets.existingSecret) -}}
{{- $services := include "aievents.databaseServices" . | fromYamlArray -}}
{{- range $c := $services -}}
{{- if not (get $.Values.secrets (printf "%sDatabaseUrl" $c)) -}}
{{- fail "secrets.ingestDatabaseUrl, secrets.matchingDatabaseUrl, secrets.timelineDatabaseUrl and secrets.migrationDatabaseUrl are required (or secrets.existingSecret, or postgresql.enabled)" -}}
{{- end -}}
{{- end -}}
{{- if not .Values.secrets.migrationDatabaseUrl -}}
{{- fail "secrets.ingestDatabaseUrl, secrets.matchingDatabaseUrl, secrets.timelineDatabaseUrl and secrets.migrationDatabaseUrl are required (or secrets.existingSecret, or postgresql.enabled)" -}}
{{- end -}}
{{- $owner := include "aievents.databaseLogin" .Values.secrets.migrationDatabaseUrl -}}
{{- range $i, $c := $services -}}
{{- $login := include "aievents.databaseLogin" (get $.Values.secrets (printf "%sDatabaseUrl" $c)) -}}
{{- if eq $login $owner -}}
{{- fail (printf "secrets.%sDatabaseUrl must log in as the service's non-owner role (aievents_%s), not as the owner of secrets.migrationDatabaseUrl (docs/operations.md, Database roles)" $c $c) -}}
{{- end -}}
{{- range $other := slice $services (add1 $i) -}}
{{- if eq $login (include "aievents.databaseLogin" (get $.Values.secrets (printf "%sDatabaseUrl" $other))) -}}
{{- fail (printf "secrets.%sDatabaseUrl and secrets.%sDatabaseUrl log in as the same role: each service must log in as its own (aievents_%s, aievents_%s), which holds only what that service may do (docs/operations.md, Database roles)" $c $other $c $other) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and (eq .Values.serviceConfig.dbPoolerMode "transaction") (not .Values.secrets.existingSecret) (not .Values.secrets.listenDatabaseUrl) -}}
{{- fail "serviceConfig.dbPoolerMode=transaction needs secrets.listenDatabaseUrl, a direct PostgreSQL URI for the timeline's LISTEN connection (or the key listen-database-url in secrets.existingSecret): the timeline refuses to start otherwise" -}}
{{- end -}}
{{- with .Values.secrets.internalToken -}}
{{- if lt (len .) 32 -}}
{{- fail "secrets.internalToken must be at least 32 characters" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The --overrides of `kubectl run` for aievents-admin in NOTES.txt: the owner URL from the Secret
(never on the command line), and the same restricted securityContext as every other pod.
*/}}
{{- define "aievents.adminOverrides" -}}
{{- $container := dict "name" "aievents-admin" "image" (include "aievents.image" (dict "ctx" . "component" "admin")) "stdin" true "securityContext" .Values.containerSecurityContext "env" (list (dict "name" "AIEVENTS_DATABASE_URL" "valueFrom" (dict "secretKeyRef" (dict "name" (include "aievents.secretName" .) "key" "migration-database-url")))) -}}
{{- $spec := dict "automountServiceAccountToken" false "securityContext" .Values.podSecurityContext "containers" (list $container) -}}
{{- if .Values.networkPolicy.enabled -}}
{{- dict "apiVersion" "v1" "metadata" (dict "labels" (include "aievents.selectorLabels" (dict "ctx" . "component" "migration") | fromYaml)) "spec" $spec | toJson -}}
{{- else -}}
{{- dict "apiVersion" "v1" "spec" $spec | toJson -}}
{{- end -}}
{{- end -}}
