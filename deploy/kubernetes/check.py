#!/usr/bin/env python3
"""Checks the Kubernetes manifests without a cluster (script/test runs it).

Renders the base and every overlay with `kubectl kustomize` (a failure to render fails the check), then checks each
rendered object against the shape of its kind (apiVersion, required fields, types) and the platform's rules: every
service has liveness /healthz and readiness /readyz, requests and limits, runs as non-root on a read-only root file
system, has a Service and a PodDisruptionBudget that select it; only the gateway is exposed outside the cluster; every
Secret and ConfigMap a pod names exists (the base leaves the Secret to the overlay) with the keys it asks for; TokenAdmin
and the gateway have 2+ replicas and Monitor 2. Prints TAP (one line per rendered tree and rule) ending with
"# pass N" and "# fail N"; exits non-zero on any failure.
"""
import os
import subprocess
import sys

import re
import yaml

ROOT = os.path.dirname(os.path.abspath(__file__))
TREES = {"base": "base", "overlays/local": "overlays/local", "overlays/podman": "overlays/podman"}
SERVICES = ["identity", "tokenadmin", "ledgerdata", "monitor", "gateway"]
KINDS = {
    "Deployment": "apps/v1",
    "Service": "v1",
    "ConfigMap": "v1",
    "Secret": "v1",
    "PodDisruptionBudget": "policy/v1",
}


def render(tree):
    out = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, tree)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    # Kubernetes reads manifests with Go's YAML (1.2): "0x" + 40 hex digits, too large for an integer, is a string
    # there. PyYAML (YAML 1.1) would make it an int, so hex integers are not resolved here either.
    return [d for d in yaml.load_all(out.stdout, Loader=_KubernetesLoader) if d]


class _KubernetesLoader(yaml.SafeLoader):
    pass


_KubernetesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int" or not regexp.match("0x1")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_KubernetesLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9]*)$"), list("-+0123456789"))


def shape_errors(doc):
    """Field types and required fields of the kinds used here (a subset of the Kubernetes schema)."""
    errors = []
    kind = doc.get("kind")
    name = doc.get("metadata", {}).get("name")
    where = f"{kind}/{name}"
    if kind not in KINDS:
        return [f"{where}: kind not expected here"]
    if doc.get("apiVersion") != KINDS[kind]:
        errors.append(f"{where}: apiVersion {doc.get('apiVersion')} (want {KINDS[kind]})")
    if not isinstance(name, str) or not name or len(name) > 63 or not name.replace("-", "").isalnum() or name != name.lower():
        errors.append(f"{where}: metadata.name must be a DNS label")
    if kind == "Deployment":
        spec = doc.get("spec", {})
        selector = spec.get("selector", {}).get("matchLabels", {})
        labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            errors.append(f"{where}: selector.matchLabels must match the template's labels")
        if not isinstance(spec.get("replicas", 1), int):
            errors.append(f"{where}: replicas must be an integer")
        containers = spec.get("template", {}).get("spec", {}).get("containers")
        if not isinstance(containers, list) or not containers:
            errors.append(f"{where}: no containers")
            return errors
        volumes = {v["name"] for v in spec["template"]["spec"].get("volumes", [])}
        for c in containers:
            if not c.get("name") or not c.get("image"):
                errors.append(f"{where}: a container needs a name and an image")
            for env in c.get("env", []):
                if set(env) - {"name", "value", "valueFrom"} or ("value" in env and not isinstance(env["value"], str)):
                    errors.append(f"{where}: env {env.get('name')}: value must be a string")
            for m in c.get("volumeMounts", []):
                if m.get("name") not in volumes:
                    errors.append(f"{where}: volumeMount {m.get('name')} has no volume")
            for port in c.get("ports", []):
                if not isinstance(port.get("containerPort"), int):
                    errors.append(f"{where}: containerPort must be an integer")
    if kind == "Service":
        for port in doc.get("spec", {}).get("ports", []):
            if not isinstance(port.get("port"), int):
                errors.append(f"{where}: port must be an integer")
    if kind == "PodDisruptionBudget":
        spec = doc.get("spec", {})
        if ("minAvailable" in spec) == ("maxUnavailable" in spec):
            errors.append(f"{where}: exactly one of minAvailable and maxUnavailable")
    if kind in ("ConfigMap", "Secret"):
        for key, value in {**doc.get("data", {}), **doc.get("stringData", {})}.items():
            if not isinstance(value, str):
                errors.append(f"{where}: {key}: value must be a string")
    return errors


def rule_errors(tree, docs):
    errors = []
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    deployments = by_kind.get("Deployment", {})
    podman = tree == "overlays/podman"

    for name in SERVICES + ["dashboard"]:
        if name not in deployments:
            errors.append(f"no Deployment {name}")
    for name, d in deployments.items():
        pod = d["spec"]["template"]["spec"]
        c = pod["containers"][0]
        component = d["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        resources = c.get("resources", {})
        if not resources.get("requests", {}).get("cpu") or not resources.get("requests", {}).get("memory") \
                or not resources.get("limits", {}).get("memory"):
            errors.append(f"{name}: needs cpu and memory requests and a memory limit")
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            errors.append(f"{name}: must run as non-root")
        sc = c.get("securityContext", {})
        if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{name}: read-only root file system, no privilege escalation")
        if component == "service" and not podman:
            if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
                errors.append(f"{name}: liveness probe must be GET /healthz")
            if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
                errors.append(f"{name}: readiness probe must be GET /readyz")
        # Every Secret and ConfigMap named exists with the keys asked for (the base leaves tokenizer-secrets out).
        for env in c.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                secret = next((s for n, s in by_kind.get("Secret", {}).items() if n.startswith(ref["name"])), None)
                if secret is None and tree != "base":
                    errors.append(f"{name}: Secret {ref['name']} is missing")
                elif secret is not None and ref["name"] != secret["metadata"]["name"]:
                    errors.append(f"{name}: refers to {ref['name']}, the Secret is {secret['metadata']['name']}")
                elif secret is not None and ref["key"] not in {**secret.get("data", {}), **secret.get("stringData", {})}:
                    errors.append(f"{name}: Secret has no key {ref['key']}")
        for source in c.get("envFrom", []):
            ref = source.get("configMapRef", {}).get("name")
            if ref and ref not in by_kind.get("ConfigMap", {}):
                errors.append(f"{name}: ConfigMap {ref} is missing")

    if not podman:
        services = by_kind.get("Service", {})
        pdbs = by_kind.get("PodDisruptionBudget", {})
        for name in SERVICES:
            labels = deployments.get(name, {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
            selects = lambda sel: sel and all(labels.get(k) == v for k, v in sel.items())  # noqa: E731
            if not any(selects(s["spec"].get("selector")) for s in services.values()):
                errors.append(f"{name}: no Service selects it")
            if not any(selects(p["spec"].get("selector", {}).get("matchLabels")) for p in pdbs.values()):
                errors.append(f"{name}: no PodDisruptionBudget selects it")
        exposed = sorted(n for n, s in services.items() if s["spec"].get("type", "ClusterIP") != "ClusterIP")
        if exposed != ["gateway"]:
            errors.append(f"only the gateway may be exposed outside the cluster, exposed: {exposed}")
        replicas = {n: d["spec"].get("replicas", 1) for n, d in deployments.items()}
        if replicas.get("tokenadmin", 0) < 2 or replicas.get("gateway", 0) < 2 or replicas.get("monitor") != 2:
            errors.append(f"replicas: TokenAdmin and gateway 2+, Monitor 2 (have {replicas})")
    else:
        instances = sorted(deployments)
        for want in ("tokenadmin-2", "monitor-2"):
            if want not in instances:
                errors.append(f"podman overlay: no {want}")
    return errors


def main():
    results = []
    for tree in TREES:
        try:
            docs = render(tree)
        except RuntimeError as e:
            results.append((False, f"{tree}: renders", str(e)))
            continue
        results.append((True, f"{tree}: renders ({len(docs)} objects)", ""))
        shape = [e for d in docs for e in shape_errors(d)]
        results.append((not shape, f"{tree}: every object has the shape of its kind", "; ".join(shape)))
        rules = rule_errors(tree, docs)
        results.append((not rules, f"{tree}: platform rules", "; ".join(rules)))
    print("TAP version 13")
    for i, (ok, what, why) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        if not ok:
            print(f"  # {why}")
    passed = sum(1 for ok, _, _ in results if ok)
    print(f"1..{len(results)}")
    print(f"# pass {passed}")
    print(f"# fail {len(results) - passed}")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
