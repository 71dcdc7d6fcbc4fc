#!/usr/bin/env python3
"""Checks the Dockerfile without a Docker engine (docs/images.md).

  check_images.py --source-dir DIR --build-dir DIR --cmake CMAKE NAME=BINARY...

NAME is gateway, ingest, matching, timeline or admin; BINARY the built executable. Checks:

- the runtime stage's packages against what the binaries load: `ldd` of each binary, each
  library mapped to its Debian package with `dpkg -S`. A library a binary links directly must
  come from a listed package or from the base image (BASE_IMAGE_PACKAGES); one it gets through
  another library may also come from a package that apt installs with the listed ones (their
  Depends, as this machine's dpkg database records them). Every listed package must own a
  library some binary loads (no dead weight) and be installed here (so it is what the binaries
  were linked against);
- the build stage against scripts/install-deps.sh: it installs with `--build-only` and nothing
  else, configures with tests off and builds the five binaries; the runtime packages are the
  libraries of the build packages (in their Depends closure), so the image runs what it built;
- each final target: from the runtime stage, a numeric USER, no HEALTHCHECK, its ENTRYPOINT,
  ports and ENV, only its own binary copied, no -dev package in its stages; and every path it
  copies from /staging is one `cmake --install` produces;
- every apt-get install uses --no-install-recommends and removes the package lists;
- .dockerignore keeps build trees, .data, node_modules, .cache and .git out of the context.

Prints every problem found and exits 1 if there is one. Python 3 standard library only.
"""

import argparse
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Packages of debian:bookworm-slim the runtime stage may rely on without listing them. The
# slim image is Debian's minbase: the packages of Priority "required" and their dependencies
# (apt among them); check_base_packages() verifies each entry against that set as this
# machine's dpkg database has it. libc6, libgcc-s1 and libstdc++6 are the C and C++ runtime
# (apt links them); zlib1g comes with dpkg; tzdata is itself required.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "tzdata"}

# Runtime packages that own no library yet are needed (none today: ca-certificates would go
# here if a binary verified TLS peers against the system store).
NON_LIBRARY_RUNTIME_PACKAGES = set()

# The final targets: binary, ports and the ENV each must set.
TARGETS = {
    "gateway": {
        "ports": {"8080", "9090"},
        "env": {
            "AIEVENTS_LISTEN_HOST": "0.0.0.0",
            "AIEVENTS_ADMIN_HOST": "0.0.0.0",
            "AIEVENTS_OPENAPI_FILE": "/usr/local/share/aievents/openapi.json",
            "AIEVENTS_CONSOLE_DIR": "/usr/local/share/aievents/console",
        },
    },
    "ingest": {
        "ports": {"7051", "9091"},
        "env": {"AIEVENTS_GRPC_LISTEN": "0.0.0.0:7051", "AIEVENTS_ADMIN_HOST": "0.0.0.0"},
    },
    "matching": {
        "ports": {"7052", "9092"},
        "env": {"AIEVENTS_GRPC_LISTEN": "0.0.0.0:7052", "AIEVENTS_ADMIN_HOST": "0.0.0.0"},
    },
    "timeline": {
        "ports": {"7053", "9093"},
        "env": {"AIEVENTS_GRPC_LISTEN": "0.0.0.0:7053", "AIEVENTS_ADMIN_HOST": "0.0.0.0"},
    },
    "admin": {"ports": set(), "env": {}},
}
RUNTIME_STAGE = "runtime"
BUILD_STAGE = "build-source"
BASE_IMAGE = "debian:bookworm-slim"
STAGING = "/staging/usr/local"

problems = []


def problem(message):
    if message not in problems:
        problems.append(message)


# ---- Dockerfile parsing ------------------------------------------------------------------


class Stage:
    def __init__(self, name, base, line):
        self.name = name
        self.base = base
        self.line = line
        self.instructions = []  # (keyword, arguments, line)

    def all(self, keyword):
        return [(args, line) for kw, args, line in self.instructions if kw == keyword]


def parse_dockerfile(path):
    """Returns (global ARG defaults, stages in order). Follows Docker's rules for what matters
    here: comment lines (also inside a continuation) are dropped, a trailing backslash joins
    the next line."""
    global_args = {}
    stages = []
    logical = []  # (text, first line number)
    current, start = "", 0
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.strip().startswith("#") or (current and not line.strip()):
                continue  # Docker drops these, also inside a continuation
            if not current:
                start = number
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            current += line
            if current.strip():
                logical.append((current.strip(), start))
            current = ""
    if current.strip():
        logical.append((current.strip(), start))
    for text, number in logical:
        keyword, _, args = text.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            words = args.split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(name, words[0], number))
        elif not stages:
            if keyword == "ARG":
                key, _, value = args.partition("=")
                global_args[key] = value
        else:
            stages[-1].instructions.append((keyword, args, number))
    return global_args, stages


def expand(text, variables):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), ""),
                  text)


def chain(stage, by_name):
    """The stage and the stages it is built FROM, nearest first."""
    result = [stage]
    while stage.base in by_name and by_name[stage.base] not in result:
        stage = by_name[stage.base]
        result.append(stage)
    return result


def apt_installs(run):
    """The packages of each `apt-get install` in a RUN command, with the command's words."""
    found = []
    for command in re.split(r"&&|\|\||;", run):
        words = shlex.split(command)
        if "apt-get" in words and "install" in words[words.index("apt-get"):]:
            after = words[words.index("install", words.index("apt-get")) + 1:]
            found.append(([w for w in after if not w.startswith("-")], words))
    return found


def key_values(args):
    """ENV/LABEL arguments: KEY=VALUE pairs (or the old `KEY VALUE` form)."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words if "=" in w)


# ---- dpkg ----------------------------------------------------------------------------------


def dpkg_database():
    """Installed packages: name -> (priority, [dependency alternatives lists], provides)."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Priority}\t${Pre-Depends}\t"
         "${Depends}\t${Provides}\n"], check=True, capture_output=True, text=True).stdout
    packages = {}
    for row in out.splitlines():
        name, status, priority, pre, depends, provides = (row.split("\t") + [""] * 6)[:6]
        if not status.endswith(" installed"):
            continue
        alternatives = []
        for dep in filter(None, (d.strip() for d in (pre + "," + depends).split(","))):
            alternatives.append([re.sub(r"[\s(].*$", "", a.strip()).split(":")[0]
                                 for a in dep.split("|")])
        provided = {re.sub(r"[\s(].*$", "", p.strip()) for p in provides.split(",") if p.strip()}
        packages[name] = (priority, alternatives, provided)
    return packages


def closure(roots, packages):
    """The roots and what apt installs with them: Pre-Depends and Depends, recursively (for
    an alternative, the first that is installed here; a virtual name, what provides it)."""
    providers = {}
    for name, (_, _, provided) in packages.items():
        for virtual in provided:
            providers.setdefault(virtual, []).append(name)
    seen, todo = set(), [r for r in roots if r in packages]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for alternatives in packages[name][1]:
            for alternative in alternatives:
                if alternative in packages:
                    todo.append(alternative)
                    break
                if alternative in providers:
                    todo.extend(providers[alternative])
                    break
    return seen


def owners(paths):
    """path -> package for each path dpkg knows (tries the path as given, with /usr added or
    removed for the merged /usr, and its resolved target)."""
    def candidates(path):
        result = []
        for p in (path, os.path.realpath(path)):
            result.append(p)
            result.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
        return result

    found = {}
    for round_ in range(4):
        left = [p for p in paths if p not in found]
        if not left:
            break
        queries = {}
        for p in left:
            queries.setdefault(candidates(p)[round_], []).append(p)
        out = subprocess.run(["dpkg", "-S"] + list(queries), capture_output=True,
                             text=True).stdout
        for row in out.splitlines():
            package, _, path = row.partition(": ")
            if "diversion" in package:
                continue
            for original in queries.get(path.strip(), []):
                found[original] = package.split(",")[0].split(":")[0].strip()
    return found


def ldd(binary):
    """(direct sonames, {soname: resolved path}); a library ldd cannot find is a problem."""
    needed = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True,
                            text=True).stdout
    direct = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed))
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    resolved = {}
    for row in out.splitlines():
        row = row.strip()
        m = re.match(r"(\S+) => (\S+) \(0x", row)
        if m:
            resolved[m.group(1)] = m.group(2)
        elif "=> not found" in row:
            problem(f"{os.path.basename(binary)}: ldd finds no {row.split()[0]}")
        else:
            m = re.match(r"(/\S+) \(0x", row)  # the dynamic loader
            if m:
                resolved[os.path.basename(m.group(1))] = m.group(1)
    return direct, resolved


# ---- checks -------------------------------------------------------------------------------


def check_base_packages(packages):
    required = {n for n, (priority, _, _) in packages.items() if priority == "required"}
    base = closure(required, packages)
    for name in sorted(BASE_IMAGE_PACKAGES - base):
        problem(f"BASE_IMAGE_PACKAGES has {name}, which is not among the Priority: required "
                f"packages of {BASE_IMAGE} or their dependencies")


def check_runtime_packages(runtime_packages, binaries, packages):
    for name in sorted(runtime_packages):
        if name not in packages:
            problem(f"runtime stage installs {name}, which is not installed on this machine "
                    f"(the binaries were not built against it)")
        if name in BASE_IMAGE_PACKAGES:
            problem(f"runtime stage installs {name}, which {BASE_IMAGE} already has")
    provided = closure(runtime_packages | BASE_IMAGE_PACKAGES, packages)
    used = set()
    for target, binary in sorted(binaries.items()):
        direct, resolved = ldd(binary)
        package_of = owners(sorted(set(resolved.values())))
        for soname, path in sorted(resolved.items()):
            package = package_of.get(path)
            if package is None:
                problem(f"{target}: {path} ({soname}) belongs to no Debian package")
                continue
            used.add(package)
            if package in runtime_packages or package in BASE_IMAGE_PACKAGES:
                continue
            if soname in direct:
                problem(f"{target}: links {soname} ({path}) from package {package}, which the "
                        f"Dockerfile's runtime stage does not install")
            elif package not in provided:
                problem(f"{target}: loads {soname} ({path}) from package {package}, which "
                        f"neither the runtime stage nor the dependencies of its packages install")
    for name in sorted(runtime_packages - used - NON_LIBRARY_RUNTIME_PACKAGES):
        problem(f"runtime stage installs {name}, but no binary loads a library of it "
                f"(dead weight)")


def build_packages(script):
    text = open(script).read()
    m = re.search(r"^BUILD_PACKAGES=\((.*?)^\)", text, re.S | re.M)
    if not m:
        problem(f"{script}: no BUILD_PACKAGES=( ... ) list")
        return set()
    if not re.search(r'^\s*--build-only\)\s*PACKAGES=\("\$\{BUILD_PACKAGES\[@\]\}"\)\s*;;', text, re.M):
        problem(f"{script}: --build-only does not install exactly BUILD_PACKAGES")
    if not re.search(r'^RUN_PACKAGES=\(\s*"\$\{BUILD_PACKAGES\[@\]\}"', text, re.M):
        problem(f"{script}: the packages of make up (RUN_PACKAGES) do not start with BUILD_PACKAGES")
    return set(shlex.split(m.group(1), comments=True))


def check_build_stage(build, script, runtime_packages, packages, variables):
    runs = " ; ".join(expand(args, variables) for args, _ in build.all("RUN"))
    if not re.search(r"(^|[\s/])scripts/install-deps\.sh --build-only\b", runs):
        problem("build stage does not run scripts/install-deps.sh --build-only")
    if not any("scripts/install-deps.sh" in args for args, _ in build.all("COPY")):
        problem("build stage does not COPY scripts/install-deps.sh")
    for args, line in build.all("RUN"):
        for listed, _ in apt_installs(args):
            problem(f"Dockerfile:{line}: build stage installs {' '.join(listed)} itself; "
                    f"add them to BUILD_PACKAGES in scripts/install-deps.sh instead")
    for needed in ("-G Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                   "-DCMAKE_INSTALL_PREFIX=/usr/local", "-DAIEVENTS_BUILD_TESTS=OFF",
                   "DESTDIR=/staging cmake --install"):
        if needed not in runs:
            problem(f"build stage: no {needed}")
    m = re.search(r"cmake --build .*?--target((?:\s+[\w-]+)+)", runs)
    targets = set(m.group(1).split()) if m else set()
    wanted = {f"aievents-{name}" for name in TARGETS}
    if targets != wanted:
        problem(f"build stage builds targets {sorted(targets)}, not {sorted(wanted)}")
    listed = build_packages(script)
    for name in sorted(listed - set(packages)):
        problem(f"scripts/install-deps.sh BUILD_PACKAGES has {name}, not installed here")
    linked = closure(listed, packages)
    for name in sorted(runtime_packages - linked):
        problem(f"runtime package {name} is not a dependency of any BUILD_PACKAGES entry of "
                f"scripts/install-deps.sh: the image would run a library it was not built with")


def check_apt_hygiene(stages):
    for stage in stages:
        for args, line in stage.all("RUN"):
            installs = apt_installs(args)
            for _, words in installs:
                if "--no-install-recommends" not in words:
                    problem(f"Dockerfile:{line}: apt-get install without --no-install-recommends")
            uses_apt = installs or "apt-get update" in args or "install-deps.sh" in args
            if uses_apt and "rm -rf /var/lib/apt/lists" not in args:
                problem(f"Dockerfile:{line}: apt lists are not removed in the same RUN")


def check_targets(stages, by_name, installed_tree):
    for name, spec in TARGETS.items():
        stage = by_name.get(name)
        if stage is None:
            problem(f"no final target {name}")
            continue
        stages_of = chain(stage, by_name)
        if stages_of[-1].name != RUNTIME_STAGE or len(stages_of) != 2:
            problem(f"{name}: not built FROM {RUNTIME_STAGE}")
        for s in stages_of:
            for args, line in s.all("HEALTHCHECK"):
                problem(f"Dockerfile:{line}: HEALTHCHECK in {s.name} (see docs/images.md)")
            for args, line in s.all("RUN"):
                for listed, _ in apt_installs(args):
                    for package in listed:
                        if package.endswith("-dev") or "-dev:" in package:
                            problem(f"Dockerfile:{line}: {s.name} installs {package}")
        users = stage.all("USER")
        if not users or not re.fullmatch(r"\d+(:\d+)?", users[-1][0]):
            problem(f"{name}: USER is {users[-1][0] if users else 'not set'}, not numeric")
        elif users[-1][0].split(":")[0] == "0":
            problem(f"{name}: runs as root")
        binary = f"/usr/local/bin/aievents-{name}"
        entry = stage.all("ENTRYPOINT")
        try:
            entrypoint = json.loads(entry[-1][0]) if entry else None
        except json.JSONDecodeError:
            entrypoint = entry[-1][0]
        if entrypoint != [binary]:
            problem(f"{name}: ENTRYPOINT is {entrypoint}, not [\"{binary}\"]")
        ports = set()
        for args, _ in stage.all("EXPOSE"):
            ports |= {p.split("/")[0] for p in args.split()}
        if ports != spec["ports"]:
            problem(f"{name}: EXPOSE {sorted(ports)}, not {sorted(spec['ports'])}")
        env = {}
        for args, _ in stage.all("ENV"):
            env.update(key_values(args))
        for key, value in spec["env"].items():
            if env.get(key) != value:
                problem(f"{name}: ENV {key} is {env.get(key)!r}, not {value!r}")
        destinations = []
        for args, line in stage.all("COPY"):
            words = shlex.split(args)
            if "--from=build" not in words:
                problem(f"Dockerfile:{line}: {name} copies from the context, not the build stage")
                continue
            sources, destination = [w for w in words if not w.startswith("--")][:-1], words[-1]
            for source in sources:
                if source.startswith(STAGING + "/bin/") and source != STAGING + "/bin/" + binary.split("/")[-1]:
                    problem(f"Dockerfile:{line}: {name} copies another binary, {source}")
                elif not source.startswith(STAGING + "/"):
                    problem(f"Dockerfile:{line}: {name} copies {source}, outside {STAGING}")
                elif installed_tree is not None:
                    relative = source[len(STAGING) + 1:].rstrip("/")
                    if not os.path.exists(os.path.join(installed_tree, relative)):
                        problem(f"Dockerfile:{line}: {name} copies {source}, which "
                                f"`cmake --install` does not install")
            destinations.append(destination.rstrip("/"))
        if not any(d in (binary, "/usr/local/bin") for d in destinations):
            problem(f"{name}: does not copy {binary}")
        for key in ("AIEVENTS_OPENAPI_FILE", "AIEVENTS_CONSOLE_DIR"):
            if key in env and env[key].rstrip("/") not in destinations:
                problem(f"{name}: ENV {key}={env[key]} is not a path the target copies")


def check_runtime_stage(runtime, global_args):
    base = expand(runtime.base, global_args)
    if base != BASE_IMAGE:
        problem(f"runtime stage is FROM {base}, not {BASE_IMAGE}")
    installs = [p for args, _ in runtime.all("RUN") for listed, _ in apt_installs(args)
                for p in listed]
    if not installs:
        problem("runtime stage installs no packages")
    return set(installs)


def check_dockerignore(path):
    if not os.path.exists(path):
        problem(".dockerignore is missing")
        return
    patterns = [l.strip() for l in open(path) if l.strip() and not l.startswith("#")]
    # Each pattern's last component, for a name at any depth ("**/node_modules").
    names = [p.rstrip("/").split("/")[-1] for p in patterns
             if p.startswith("**/") or "/" not in p.rstrip("/")]
    for required in (".git", ".data", ".cache", "build", "build-asan", "node_modules"):
        if not any(fnmatch.fnmatchcase(required, n) for n in names):
            problem(f".dockerignore does not exclude {required}")


def install_tree(cmake, build_dir, workdir):
    prefix = os.path.join(workdir, "usr/local")
    result = subprocess.run([cmake, "--install", build_dir, "--prefix", prefix],
                            capture_output=True, text=True)
    if result.returncode != 0:
        problem(f"cmake --install failed: {result.stderr.strip()}")
        return None
    return prefix


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--dockerfile", help="default: SOURCE_DIR/Dockerfile")
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY")
    options = parser.parse_args()
    binaries = dict(b.split("=", 1) for b in options.binaries)
    if set(binaries) != set(TARGETS):
        parser.error(f"give exactly {sorted(TARGETS)}")
    dockerfile = options.dockerfile or os.path.join(options.source_dir, "Dockerfile")
    script = os.path.join(options.source_dir, "scripts/install-deps.sh")

    global_args, stages = parse_dockerfile(dockerfile)
    by_name = {s.name: s for s in stages if s.name}
    packages = dpkg_database()
    check_base_packages(packages)
    runtime = by_name.get(RUNTIME_STAGE)
    build = by_name.get(BUILD_STAGE)
    if runtime is None or build is None:
        problem(f"Dockerfile has no {RUNTIME_STAGE} or no {BUILD_STAGE} stage")
    else:
        runtime_packages = check_runtime_stage(runtime, global_args)
        check_runtime_packages(runtime_packages, binaries, packages)
        check_build_stage(build, script, runtime_packages, packages, global_args)
    check_apt_hygiene(stages)
    with tempfile.TemporaryDirectory(prefix="aievents-install-") as workdir:
        tree = install_tree(options.cmake, options.build_dir, workdir)
        check_targets(stages, by_name, tree)
    check_dockerignore(os.path.join(options.source_dir, ".dockerignore"))

    for message in problems:
        print("FAIL:", message)
    if problems:
        print(f"{len(problems)} problem(s) in {dockerfile}")
        return 1
    print(f"ok: {len(stages)} stages, targets {', '.join(TARGETS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
