#!/usr/bin/env python3
"""Readies rendered Kubernetes manifests for `podman kube play` (podman 4.3, Debian 12).

    podman_play.py RENDERED.yaml SECRETS.env OUT_DIR

Writes OUT_DIR/play.yaml (every object but the Secrets, unchanged) and, for each Secret, OUT_DIR/secret-NAME.json in
the form podman's secret store wants: a JSON map of key to base64 value. podman 4.3 stores a `kind: Secret` given to
kube play as YAML but reads secrets back as JSON, so a Secret in the played file cannot be used; creating the same
Secret in its store first (`podman secret create NAME FILE`) works. The values come from SECRETS.env (this run's real
ones); its keys must be exactly the Secret's, so the manifests and the test cannot drift apart unnoticed.
Prints the Secret names, one a line, and writes OUT_DIR/pods.txt: the pods kube play will make (one per Deployment,
named as podman names them), so that a run removes exactly those, even after a play that failed half-way.
Also writes OUT_DIR/play-untuned.yaml: the same with the tokenizer-runtime ConfigMap (the runtime's memory settings)
reduced to the image's own setting, the baseline of script/test-containers --gc-baseline.
"""
import base64
import json
import sys

import yaml


def read_env(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                values[key] = value
    return values


def main(rendered, secrets_env, out_dir):
    with open(rendered, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    values = read_env(secrets_env)
    kept = []
    for doc in docs:
        if doc.get("kind") != "Secret":
            kept.append(doc)
            continue
        name = doc["metadata"]["name"]
        keys = set(doc.get("data", {})) | set(doc.get("stringData", {}))
        if keys != set(values):
            missing, extra = sorted(keys - set(values)), sorted(set(values) - keys)
            sys.exit(f"Secret {name}: the test gives other keys than the manifests (missing {missing}, extra {extra})")
        data = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
        with open(f"{out_dir}/secret-{name}.json", "w", encoding="utf-8") as f:
            json.dump(data, f)
        print(name)
    with open(f"{out_dir}/pods.txt", "w", encoding="utf-8") as f:
        for doc in kept:
            if doc.get("kind") == "Deployment":
                f.write(f"{doc['metadata']['name']}-pod-0\n")
    with open(f"{out_dir}/play.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump_all(kept, f, sort_keys=False)
    untuned = [untune(doc) for doc in kept]
    with open(f"{out_dir}/play-untuned.yaml", "w", encoding="utf-8") as f:
        yaml.safe_dump_all(untuned, f, sort_keys=False)


def untune(doc):
    if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"].startswith("tokenizer-runtime"):
        return {**doc, "data": {"DOTNET_gcServer": "0"}}
    return doc


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
