# shellcheck shell=bash
# Sourced by script/images and script/test-containers: podman settings for this machine kind, kept out of /etc so that
# a clean clone needs nothing set by hand. runc and cgroupfs because there is no systemd or crun here; the ulimits
# podman would give a container by default are higher than this sandbox allows, so containers get the current ones.
# Sets PODMAN_USABLE=1 when podman can run a container at all, else PODMAN_UNUSABLE_REASON says why.
podman_env_dir=${PODMAN_ENV_DIR:-$PWD/.tokenizer/podman}
mkdir -p "$podman_env_dir"
# podman lowers its own process limit to 32768 before it starts conmon and runc, and without CAP_SYS_RESOURCE (not
# granted here) runc cannot raise a container's limit above what it inherited.
podman_nproc=$(ulimit -Hu)
[ "$podman_nproc" = unlimited ] || [ "$podman_nproc" -gt 32768 ] && podman_nproc=32768
cat > "$podman_env_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=$podman_nproc:$podman_nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$podman_env_dir/containers.conf"

PODMAN_USABLE=0
PODMAN_UNUSABLE_REASON=""
if ! command -v podman >/dev/null; then
  PODMAN_UNUSABLE_REASON="podman is not installed (script/bootstrap installs it from Debian)"
elif ! command -v runc >/dev/null; then
  PODMAN_UNUSABLE_REASON="runc is not installed (script/bootstrap installs it from Debian)"
elif ! podman_info=$(timeout 60 podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
  PODMAN_UNUSABLE_REASON="podman info failed: $(printf '%s' "$podman_info" | tail -1)"
else
  PODMAN_USABLE=1
fi
export PODMAN_USABLE PODMAN_UNUSABLE_REASON
