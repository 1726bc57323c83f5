{{/*
Names, labels and the few values derived from settings that several templates share.
*/}}

{{- define "logwarden.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "logwarden.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "logwarden.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every pod of the release carries: the NetworkPolicy selects on them. */}}
{{- define "logwarden.selectorLabels" -}}
app.kubernetes.io/name: {{ include "logwarden.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "logwarden.workerSelectorLabels" -}}
{{ include "logwarden.selectorLabels" . }}
app.kubernetes.io/component: worker
{{- end -}}

{{- define "logwarden.labels" -}}
helm.sh/chart: {{ include "logwarden.chart" . }}
{{ include "logwarden.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: logwarden
{{- end -}}

{{- define "logwarden.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "logwarden.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference: the GPU image when the GPU variant is on; a digest wins over a tag. */}}
{{- define "logwarden.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- $image := dict "repository" .Values.image.repository "tag" $tag "digest" .Values.image.digest -}}
{{- if .Values.gpu.enabled -}}
{{- $gpu := .Values.gpu.image -}}
{{- $image = dict "repository" (default .Values.image.repository $gpu.repository) "tag" (default $tag $gpu.tag) "digest" $gpu.digest -}}
{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $image.tag -}}
{{- end -}}
{{- end -}}

{{/* Settings.web_port: probes, Service, scrapes and NetworkPolicy all use this one value. */}}
{{- define "logwarden.webPort" -}}
{{- int (default 6066 .Values.settings.web_port) -}}
{{- end -}}

{{/* Settings.topic_partitions: the most consumers that get work. */}}
{{- define "logwarden.partitions" -}}
{{- int (default 4 .Values.settings.topic_partitions) -}}
{{- end -}}

{{/* Pod grace = worker shutdown grace (Settings.shutdown_grace_s) + margin, whole seconds. */}}
{{- define "logwarden.terminationGracePeriodSeconds" -}}
{{- $grace := float64 (default 25 .Values.settings.shutdown_grace_s) -}}
{{- add (int (ceil $grace)) (int .Values.terminationGraceMarginSeconds) -}}
{{- end -}}

{{/* Upper bound of replicas for an autoscaler: its own value or the partition count. */}}
{{- define "logwarden.maxReplicas" -}}
{{- $partitions := int (include "logwarden.partitions" .root) -}}
{{- $max := int (default $partitions .scaler.maxReplicas) -}}
{{- if gt $max $partitions -}}
{{- fail (printf "%s.maxReplicas (%d) exceeds settings.topic_partitions (%d): extra workers in the consumer group would sit idle" .path $max $partitions) -}}
{{- end -}}
{{- if gt (int .scaler.minReplicas) $max -}}
{{- fail (printf "%s.minReplicas (%d) exceeds its maxReplicas (%d)" .path (int .scaler.minReplicas) $max) -}}
{{- end -}}
{{- $max -}}
{{- end -}}

{{/* A setting value as the string the worker parses: integers without exponent. */}}
{{- define "logwarden.settingValue" -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) -}}
{{- printf "%d" (int64 .) -}}
{{- else if kindIs "map" . -}}
{{- toJson . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* Mount points of the CA bundles taken from Secrets. */}}
{{- define "logwarden.kafkaCaFile" -}}/etc/logwarden/tls/kafka/ca.crt{{- end -}}
{{- define "logwarden.elasticsearchCaFile" -}}/etc/logwarden/tls/elasticsearch/ca.crt{{- end -}}
{{- define "logwarden.kafkaClientCertFile" -}}/etc/logwarden/tls/kafka-client/tls.crt{{- end -}}
{{- define "logwarden.kafkaClientKeyFile" -}}/etc/logwarden/tls/kafka-client/tls.key{{- end -}}

{{/* Env vars whose values come from existing Secrets (credentials only). */}}
{{- define "logwarden.secretEnv" -}}
{{- $refs := .Values.secretRefs -}}
{{- range $env, $ref := dict "LOGWARDEN_KAFKA_SASL_PASSWORD" $refs.kafkaSaslPassword "LOGWARDEN_ELASTICSEARCH_API_KEY" $refs.elasticsearchApiKey "LOGWARDEN_ELASTICSEARCH_PASSWORD" $refs.elasticsearchPassword }}
{{- if $ref.name }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Where the alerting allow-list ConfigMap is mounted. */}}
{{- define "logwarden.allowlistFile" -}}
/etc/logwarden/alerting/allowlist.yaml
{{- end -}}

{{/* Volumes holding the CA bundles, one file each. */}}
{{- define "logwarden.caVolumes" -}}
{{- with .Values.secretRefs.kafkaCaBundle }}{{ if .name }}
- name: kafka-ca
  secret:
    secretName: {{ .name | quote }}
    items:
      - key: {{ .key | quote }}
        path: ca.crt
{{- end }}{{ end }}
{{- with .Values.secretRefs.kafkaClientCertificate }}{{ if .name }}
- name: kafka-client-cert
  secret:
    secretName: {{ .name | quote }}
    # Owner and group (fsGroup) read only: the key is a credential.
    defaultMode: 0440
    items:
      - key: {{ .certKey | quote }}
        path: tls.crt
      - key: {{ .keyKey | quote }}
        path: tls.key
{{- end }}{{ end }}
{{- with .Values.secretRefs.elasticsearchCaBundle }}{{ if .name }}
- name: elasticsearch-ca
  secret:
    secretName: {{ .name | quote }}
    items:
      - key: {{ .key | quote }}
        path: ca.crt
{{- end }}{{ end }}
{{- end -}}

{{- define "logwarden.caVolumeMounts" -}}
{{- if .Values.secretRefs.kafkaCaBundle.name }}
- name: kafka-ca
  mountPath: {{ dir (include "logwarden.kafkaCaFile" .) }}
  readOnly: true
{{- end }}
{{- if .Values.secretRefs.kafkaClientCertificate.name }}
- name: kafka-client-cert
  mountPath: {{ dir (include "logwarden.kafkaClientCertFile" .) }}
  readOnly: true
{{- end }}
{{- if .Values.secretRefs.elasticsearchCaBundle.name }}
- name: elasticsearch-ca
  mountPath: {{ dir (include "logwarden.elasticsearchCaFile" .) }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* The environment every logwarden container gets: ConfigMap, Secret refs, extras. */}}
{{- define "logwarden.envFrom" -}}
- configMapRef:
    name: {{ include "logwarden.fullname" . }}
{{- end -}}

{{/* Container fields shared by the worker and the setup job: image, security, config. */}}
{{- define "logwarden.containerCommon" -}}
image: {{ include "logwarden.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "logwarden.fullname" . }}
{{- $env := include "logwarden.secretEnv" . | trim }}
{{- if or $env .Values.extraEnv }}
env:
  {{- with $env }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
volumeMounts:
  - name: state
    mountPath: {{ .Values.settings.state_dir | quote }}
  - name: tmp
    mountPath: /tmp
  {{- with include "logwarden.caVolumeMounts" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if .Values.alerting.allowlist }}
  - name: allowlist
    mountPath: {{ dir (include "logwarden.allowlistFile" .) }}
    readOnly: true
  {{- end }}
  {{- if .Values.parsing.formats }}
  - name: formats
    mountPath: {{ include "logwarden.formatsDir" . }}
    readOnly: true
  {{- end }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Pod fields shared by the worker and the setup job. */}}
{{- define "logwarden.podCommon" -}}
# No Service env vars: a Service named "logwarden" would inject LOGWARDEN_* variables.
enableServiceLinks: false
serviceAccountName: {{ include "logwarden.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
volumes:
  - name: state
    emptyDir:
      {{- with .Values.stateVolume.medium }}
      medium: {{ . }}
      {{- end }}
      sizeLimit: {{ .Values.stateVolume.sizeLimit }}
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
  {{- with include "logwarden.caVolumes" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if .Values.alerting.allowlist }}
  - name: allowlist
    configMap:
      name: {{ include "logwarden.fullname" . }}-allowlist
  {{- end }}
  {{- if .Values.parsing.formats }}
  - name: formats
    configMap:
      name: {{ include "logwarden.fullname" . }}-formats
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Where the declared-formats ConfigMap is mounted (parsing.formats). */}}
{{- define "logwarden.formatsDir" -}}
/etc/logwarden/formats
{{- end -}}
