"""Synthetic config trees for the benchmark's scale and hostile cases.

Each copy of MaxText's configs folder is laid out as a checkout of its own,
COPY/src/maxtext/configs, so that shardlint finds base.yml above every entry
config and finds each launch script's repository root (a script names its
config as $PWD/src/maxtext/configs/base.yml). The copies hold no Python:
with no layers/ folder above them no source folder is scanned, so the scale
cases measure the config engine alone.
"""
import os
import re
import shutil

COPIED_SUFFIXES = (".yml", ".yaml", ".sh")
HOSTILE_BYTES = 1 << 20
HOSTILE_MODEL = "hostile-1mb"

# Where a config names a model: `model_name: NAME` in YAML (at any depth,
# as the distillation configs nest it), `model_name=NAME` in a launch.
YAML_MODEL_RE = re.compile(r"^(\s*model_name\s*:\s*[\"']?)([A-Za-z0-9._-]+)", re.M)
SH_MODEL_RE = re.compile(r"(\bmodel_name=[\"']?)([A-Za-z0-9._-]+)")


def walk_files(top, suffixes):
    """Files under top ending in one of suffixes, sorted, skipping dot names
    as shardlint's directory walk does."""
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(folder, f) for f in sorted(files)
                  if f.endswith(suffixes) and not f.startswith(".")]
    return found


def has_base_config(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return any(line.startswith("base_config:") for line in f)


def model_names(configs):
    """Model files: models/NAME.yml without a base_config of their own."""
    models = os.path.join(configs, "models")
    return {os.path.splitext(f)[0] for f in os.listdir(models)
            if f.endswith(".yml") and not has_base_config(os.path.join(models, f))}


def rename_models(text, regex, names, suffix):
    def sub(m):
        name = m.group(2)
        return m.group(1) + (name + suffix if name in names else name)
    return regex.sub(sub, text)


def copy_configs(configs, dest, suffix, names):
    """Copies the YAML files and launch scripts of configs to dest, each
    model NAME renamed NAME+suffix, file and references alike."""
    for src in walk_files(configs, COPIED_SUFFIXES):
        rel = os.path.relpath(src, configs)
        with open(src, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        stem = os.path.splitext(os.path.basename(rel))[0]
        if os.path.dirname(rel) == "models" and stem in names:
            rel = os.path.join("models", stem + suffix + os.path.splitext(rel)[1])
        regex = SH_MODEL_RE if src.endswith(".sh") else YAML_MODEL_RE
        text = rename_models(text, regex, names, suffix)
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        shutil.copymode(src, out)


def scale_tree(configs, root, copies):
    """root/cNNN/src/maxtext/configs for NNN < copies; returns root."""
    names = model_names(configs)
    for k in range(copies):
        dest = os.path.join(root, "c%03d" % k, "src", "maxtext", "configs")
        copy_configs(configs, dest, "-c%d" % k, names)
    return root


def hostile_rules(size):
    """A one-line flow list of at least size bytes of rules n0, n1, ...
    each mapped to one of MaxText's mesh axes."""
    axes = ("data", "fsdp", "fsdp_transpose", "sequence", "context", "tensor", "expert")
    parts, total, k = [], 0, 0
    while total < size:
        part = "['n%d', ['%s']]" % (k, axes[k % len(axes)])
        parts.append(part)
        total += len(part) + 2
        k += 1
    return "logical_axis_rules: [" + ", ".join(parts) + "]\n"


def hostile_tree(configs, root):
    """root/src/maxtext/configs with base.yml and a model file whose
    logical_axis_rules is a 1 MiB flow list; returns the model file."""
    dest = os.path.join(root, "src", "maxtext", "configs")
    os.makedirs(os.path.join(dest, "models"))
    shutil.copyfile(os.path.join(configs, "base.yml"), os.path.join(dest, "base.yml"))
    model = os.path.join(dest, "models", HOSTILE_MODEL + ".yml")
    with open(model, "w", encoding="utf-8") as f:
        f.write(hostile_rules(HOSTILE_BYTES))
    return model
