"""What the chart renders: probes, settings keys, secret references, scaling, variants."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

from stream.config import Settings
from tests.helm.rendering import (
    FULL_VALUES,
    FULLNAME,
    all_containers,
    chart_defaults,
    install_manifests,
    install_notes,
    kinds,
    only,
    pod_spec,
    render_all,
    secret_fields,
    settings_env_names,
)

SAMPLE_SECRET = "not-a-real-secret"


def worker(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The worker container of the Deployment."""
    containers = pod_spec(only(documents, "Deployment"))["containers"]
    return next(c for c in containers if c["name"] == "worker")


def env_of(documents: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """Environment a container sees: ConfigMap keys through envFrom plus literal env."""
    configmaps = {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == "ConfigMap"}
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(configmaps[source["configMapRef"]["name"]]["data"])
    for entry in container.get("env", []):
        env[entry["name"]] = entry.get("value", SAMPLE_SECRET)
    return env


def test_defaults_alone_render_a_complete_release() -> None:
    documents = install_manifests()
    assert kinds(documents) == {
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    }
    assert all(doc["metadata"]["namespace"] == "logwarden" for doc in documents)


def test_probes_hit_the_worker_endpoints_on_the_web_port() -> None:
    documents = install_manifests({"settings": {"web_port": 7070}})
    container = worker(documents)
    (port,) = container["ports"]
    assert port == {"name": "http", "containerPort": 7070, "protocol": "TCP"}
    assert container["startupProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    (service_port,) = only(documents, "Service")["spec"]["ports"]
    assert service_port["port"] == 7070
    assert service_port["targetPort"] == "http"
    assert env_of(documents, container)["LOGWARDEN_WEB_PORT"] == "7070"


def test_config_keys_are_settings_env_names() -> None:
    """Every LOGWARDEN_* key rendered anywhere is a real Settings field (renames break this)."""
    valid = settings_env_names()
    for values in (None, FULL_VALUES):
        documents = render_all(values)
        for doc in documents:
            names = set(doc["data"]) if doc["kind"] == "ConfigMap" else set()
            for container in all_containers(doc) if doc["kind"] in ("Deployment", "Job") else []:
                names |= {entry["name"] for entry in container.get("env", [])}
            unknown = {
                name for name in names if name.startswith("LOGWARDEN_") and name not in valid
            }
            assert not unknown, f"{doc['kind']} sets env vars Settings does not read: {unknown}"


@pytest.mark.parametrize("values", [None, FULL_VALUES], ids=["defaults", "full"])
def test_rendered_environment_is_accepted_by_the_worker_settings(
    values: dict[str, Any] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's own Settings parses exactly what the chart hands every container."""
    documents = render_all(values)
    workloads = [doc for doc in documents if doc["kind"] in ("Deployment", "Job")]
    for workload in workloads:
        for container in all_containers(workload):
            env = env_of(documents, container)
            for name in list(settings_env_names()):
                monkeypatch.delenv(name, raising=False)
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            settings = Settings(_env_file=None)
            mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
            assert str(settings.state_dir) in mounts
            assert settings.output_file.is_relative_to(settings.state_dir)
    deployment_env = env_of(documents, worker(documents))
    settings = Settings(_env_file=None)
    assert settings.web_port == int(deployment_env["LOGWARDEN_WEB_PORT"])


def test_settings_values_reach_the_worker_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers, booleans and strings survive Helm's rendering (no 2.097152e+06 surprises)."""
    documents = install_manifests(FULL_VALUES)
    for name in settings_env_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in env_of(documents, worker(documents)).items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    given = {**chart_defaults()["settings"], **FULL_VALUES["settings"]}
    for field_name, value in given.items():
        parsed = getattr(settings, field_name)
        assert (str(parsed) if isinstance(parsed, Path) else parsed) == value, field_name


def test_secrets_come_only_from_secret_references() -> None:
    documents = render_all(FULL_VALUES)
    names = settings_env_names()
    secret_env = {name for name, field in names.items() if field in secret_fields()}
    configmap = only(documents, "ConfigMap")
    assert not secret_env & set(configmap["data"]), "a credential landed in the ConfigMap"
    refs = FULL_VALUES["secretRefs"]
    expected = {
        "LOGWARDEN_KAFKA_SASL_PASSWORD": refs["kafkaSaslPassword"],
        "LOGWARDEN_ELASTICSEARCH_API_KEY": refs["elasticsearchApiKey"],
        "LOGWARDEN_ELASTICSEARCH_PASSWORD": refs["elasticsearchPassword"],
    }
    # Every credential field of Settings is wired (a new SecretStr field breaks this).
    assert {names[name] for name in expected} == secret_fields()
    for workload in (only(documents, "Deployment"), only(documents, "Job")):
        for container in all_containers(workload):
            env = {entry["name"]: entry for entry in container["env"]}
            for name, ref in expected.items():
                assert "value" not in env[name]
                assert env[name]["valueFrom"] == {"secretKeyRef": ref}


def test_ca_bundles_are_mounted_files_named_by_settings() -> None:
    documents = install_manifests(FULL_VALUES)
    container = worker(documents)
    env = env_of(documents, container)
    pod = pod_spec(only(documents, "Deployment"))
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["name"]: mount for mount in container["volumeMounts"]}
    for volume_name, setting, ref in (
        ("kafka-ca", "LOGWARDEN_KAFKA_SSL_CAFILE", FULL_VALUES["secretRefs"]["kafkaCaBundle"]),
        (
            "elasticsearch-ca",
            "LOGWARDEN_ELASTICSEARCH_CA_FILE",
            FULL_VALUES["secretRefs"]["elasticsearchCaBundle"],
        ),
    ):
        secret = volumes[volume_name]["secret"]
        assert secret["secretName"] == ref["name"]
        assert secret["items"] == [{"key": ref["key"], "path": "ca.crt"}]
        assert mounts[volume_name]["readOnly"] is True
        assert Path(env[setting]) == Path(mounts[volume_name]["mountPath"]) / "ca.crt"


def test_the_kafka_client_certificate_is_a_private_mounted_pair_named_by_settings() -> None:
    documents = install_manifests(FULL_VALUES)
    container = worker(documents)
    env = env_of(documents, container)
    ref = FULL_VALUES["secretRefs"]["kafkaClientCertificate"]
    volume = {v["name"]: v for v in pod_spec(only(documents, "Deployment"))["volumes"]}
    secret = volume["kafka-client-cert"]["secret"]
    assert secret["secretName"] == ref["name"]
    assert secret["defaultMode"] == 0o440
    assert secret["items"] == [
        {"key": ref["certKey"], "path": "tls.crt"},
        {"key": ref["keyKey"], "path": "tls.key"},
    ]
    mount = {m["name"]: m for m in container["volumeMounts"]}["kafka-client-cert"]
    assert mount["readOnly"] is True
    assert Path(env["LOGWARDEN_KAFKA_SSL_CERTFILE"]) == Path(mount["mountPath"]) / "tls.crt"
    assert Path(env["LOGWARDEN_KAFKA_SSL_KEYFILE"]) == Path(mount["mountPath"]) / "tls.key"


def test_no_secret_reference_means_no_secret_env() -> None:
    documents = install_manifests()
    assert "env" not in worker(documents)
    assert "Secret" not in kinds(documents)


def test_termination_grace_exceeds_the_worker_shutdown_grace() -> None:
    for grace in (25, 42.5):
        documents = install_manifests({"settings": {"shutdown_grace_s": grace}})
        pod = pod_spec(only(documents, "Deployment"))
        margin = chart_defaults()["terminationGraceMarginSeconds"]
        assert pod["terminationGracePeriodSeconds"] == math.ceil(grace) + margin
        assert pod["terminationGracePeriodSeconds"] > grace
        env = env_of(documents, worker(documents))
        assert float(env["LOGWARDEN_SHUTDOWN_GRACE_S"]) == grace


def test_pod_runs_non_root_on_a_read_only_root_with_writable_state() -> None:
    documents = install_manifests()
    pod = pod_spec(only(documents, "Deployment"))
    # A Service named "logwarden" would otherwise inject LOGWARDEN_* variables.
    assert pod["enableServiceLinks"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    context = worker(documents)["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: mount["name"] for mount in worker(documents)["volumeMounts"]}
    state_dir = chart_defaults()["settings"]["state_dir"]
    assert "emptyDir" in volumes[mounts[state_dir]]
    assert "emptyDir" in volumes[mounts["/tmp"]]


def test_hpa_max_replicas_defaults_to_the_partition_count() -> None:
    for partitions in (4, 12):
        documents = install_manifests({"settings": {"topic_partitions": partitions}})
        hpa = only(documents, "HorizontalPodAutoscaler")
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["maxReplicas"] == partitions
        assert hpa["spec"]["scaleTargetRef"]["name"] == FULLNAME
        (metric,) = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        # The HPA owns the replica count: the Deployment leaves it alone.
        assert "replicas" not in only(documents, "Deployment")["spec"]


def test_fixed_replicas_render_without_autoscaler() -> None:
    documents = install_manifests({"autoscaling": {"enabled": False}, "replicaCount": 3})
    assert only(documents, "Deployment")["spec"]["replicas"] == 3
    assert "HorizontalPodAutoscaler" not in kinds(documents)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"autoscaling": {"enabled": False}, "replicaCount": 5}, "replicaCount (5) exceeds"),
        ({"autoscaling": {"maxReplicas": 8}}, "autoscaling.maxReplicas (8) exceeds"),
        ({"autoscaling": {"minReplicas": 6}}, "minReplicas (6) exceeds"),
        ({"autoscaling": {"enabled": False}, "keda": {"enabled": True, "maxReplicas": 9}}, "keda"),
        ({"keda": {"enabled": True}}, "exclusive"),
        ({"setupJob": {"enabled": True}}, "elasticsearch_url"),
    ],
)
def test_inconsistent_values_fail_with_a_reason(values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmError, match=re.escape(message)):
        render_all(values)


def test_keda_scales_on_consumer_group_lag_up_to_partitions() -> None:
    documents = install_manifests(FULL_VALUES)
    assert "HorizontalPodAutoscaler" not in kinds(documents)
    scaled = only(documents, "ScaledObject")
    assert scaled["spec"]["maxReplicaCount"] == FULL_VALUES["settings"]["topic_partitions"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["bootstrapServers"] == "prod-kafka-bootstrap.kafka:9093"
    assert trigger["metadata"]["consumerGroup"] == Settings.model_fields["app_id"].default
    assert trigger["metadata"]["allowIdleConsumers"] == "false"
    assert trigger["authenticationRef"] == {"name": "logwarden-kafka-auth"}


def test_disruption_budget_and_spread_select_the_workers() -> None:
    documents = install_manifests()
    labels = only(documents, "Deployment")["spec"]["selector"]["matchLabels"]
    pdb = only(documents, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"] == labels
    assert pdb["spec"]["maxUnavailable"] == 1
    spread = pod_spec(only(documents, "Deployment"))["topologySpreadConstraints"]
    assert {c["topologyKey"] for c in spread} == {
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    }
    assert all(c["labelSelector"]["matchLabels"] == labels for c in spread)


def test_service_monitor_scrapes_metrics_of_the_workers() -> None:
    documents = install_manifests(FULL_VALUES)
    monitor = only(documents, "ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http"
    assert endpoint["path"] == "/metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    service = only(documents, "Service")
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= service["metadata"]["labels"].items()
    annotations = pod_spec_annotations(documents)
    assert annotations["prometheus.io/path"] == "/metrics"
    assert annotations["prometheus.io/port"] == str(Settings.model_fields["web_port"].default)


def pod_spec_annotations(documents: list[dict[str, Any]]) -> dict[str, str]:
    """Annotations of the worker pod template."""
    annotations: dict[str, str] = only(documents, "Deployment")["spec"]["template"]["metadata"][
        "annotations"
    ]
    return annotations


def test_network_policy_allows_only_the_backends() -> None:
    defaults = chart_defaults()["networkPolicy"]

    def egress_ports(values: dict[str, Any] | None) -> set[int]:
        policy = only(install_manifests(values), "NetworkPolicy")
        assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        return {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]}

    base = set(defaults["kafka"]["ports"]) | set(defaults["dns"]["ports"])
    assert egress_ports(None) == base
    full = base | set(defaults["elasticsearch"]["ports"]) | set(defaults["otlp"]["ports"])
    full |= set(defaults["kibana"]["ports"])
    assert egress_ports(FULL_VALUES) == full
    policy = only(install_manifests(), "NetworkPolicy")
    (ingress,) = policy["spec"]["ingress"]
    assert ingress["ports"] == [{"port": 6066, "protocol": "TCP"}]
    assert "NetworkPolicy" not in kinds(install_manifests({"networkPolicy": {"enabled": False}}))


def test_setup_job_is_a_post_install_hook_running_both_setups() -> None:
    assert "Job" not in kinds(install_manifests(FULL_VALUES)), "hooks are not release objects"
    job = only(render_all(FULL_VALUES), "Job")
    hooks = job["metadata"]["annotations"]["helm.sh/hook"].split(",")
    assert "post-install" in hooks
    steps = [container["args"] for container in all_containers(job)]
    assert steps == [["setup", "elasticsearch"], ["setup", "kibana"]]
    assert pod_spec(job)["restartPolicy"] == "Never"
    without_kibana = {**FULL_VALUES, "settings": {"elasticsearch_url": "https://es:9200"}}
    job = only(render_all(without_kibana), "Job")
    assert [c["args"] for c in all_containers(job)] == [["setup", "elasticsearch"]]


def test_otlp_settings_reach_the_worker() -> None:
    documents = install_manifests(FULL_VALUES)
    env = env_of(documents, worker(documents))
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == FULL_VALUES["otel"]["endpoint"]
    assert env["OTEL_SERVICE_NAME"] == FULLNAME
    assert "deployment.environment=prod" in env["OTEL_RESOURCE_ATTRIBUTES"].split(",")
    # Settings reads the same variable, so tracing turns on.
    assert settings_env_names()["OTEL_EXPORTER_OTLP_ENDPOINT"] == "otlp_endpoint"
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in env_of(
        install_manifests(), worker(install_manifests())
    )


def test_gpu_variant_requests_the_device_on_gpu_nodes() -> None:
    values = {"gpu": {"enabled": True, "count": 2, "image": {"tag": "0.1.0-gpu"}}}
    documents = install_manifests(values)
    container = worker(documents)
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "2"
    assert container["resources"]["limits"]["memory"] == "1536Mi"
    assert container["image"] == "ghcr.io/logwarden/logwarden:0.1.0-gpu"
    digest = "sha256:" + "1" * 64
    pinned = {
        "image": {"digest": "sha256:" + "2" * 64},
        "gpu": {"enabled": True, "image": {"digest": digest}},
    }
    assert worker(install_manifests(pinned))["image"] == f"ghcr.io/logwarden/logwarden@{digest}"
    pod = pod_spec(only(documents, "Deployment"))
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod[
        "tolerations"
    ]
    env = env_of(documents, container)
    assert (env["LOGWARDEN_MODEL_BACKEND"], env["LOGWARDEN_MODEL_DEVICE"]) == ("torch", "cuda")
    chosen = install_manifests({**values, "settings": {"model_device": "cuda:1"}})
    assert env_of(chosen, worker(chosen))["LOGWARDEN_MODEL_DEVICE"] == "cuda:1"
    cpu_only = worker(install_manifests())
    assert "nvidia.com/gpu" not in cpu_only["resources"]["limits"]
    assert "LOGWARDEN_MODEL_BACKEND" not in env_of(install_manifests(), cpu_only)
    assert "nodeSelector" not in pod_spec(only(install_manifests(), "Deployment"))


def test_image_digest_pins_the_image() -> None:
    digest = FULL_VALUES["image"]["digest"]
    container = worker(install_manifests({"image": {"digest": digest}}))
    assert container["image"] == f"ghcr.io/logwarden/logwarden@{digest}"
    assert worker(install_manifests())["image"] == "ghcr.io/logwarden/logwarden:0.1.0"


def test_config_change_rolls_the_workers() -> None:
    def checksum(values: dict[str, Any] | None) -> str:
        return pod_spec_annotations(install_manifests(values))["checksum/config"]

    assert checksum(None) == checksum(None)
    assert checksum(None) != checksum({"settings": {"batch_max_size": 256}})


def test_notes_tell_how_to_check_the_release() -> None:
    notes = install_notes()
    assert f"rollout status deployment/{FULLNAME}" in notes
    assert "/readyz" in notes
    assert "/metrics" in notes
    assert "6066" in notes


def test_container_args_are_real_cli_commands() -> None:
    """The worker and setup-job args name commands the image's ``logwarden`` really has."""
    import typer

    import stream.cli  # noqa: F401  (registers every command module)
    from stream.cli.apps import app

    root = typer.main.get_command(app)
    documents = render_all(FULL_VALUES)
    workloads = [only(documents, "Deployment"), only(documents, "Job")]
    for container in (c for workload in workloads for c in all_containers(workload)):
        command: Any = root
        for word in container["args"]:
            subcommands = getattr(command, "commands", {})
            assert word in subcommands, f"logwarden has no command {container['args']}"
            command = subcommands[word]
        assert not getattr(command, "commands", None), f"{container['args']} names a group"
