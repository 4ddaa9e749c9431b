/* Every limit on input, in one place. Each bounds what a hostile or broken
 * input can cost; none comes near a real MaxText tree. */
#ifndef SHARDLINT_LIMITS_H
#define SHARDLINT_LIMITS_H

/* YAML: file size, nesting, and nodes once aliases are expanded (a few lines
 * of nested aliases can stand for billions of nodes). */
#define SL_YAML_MAX_BYTES (64u << 20)
#define SL_YAML_MAX_DEPTH 256
#define SL_YAML_MAX_NODES 1000000

/* base_config links followed from one entry. */
#define SL_CHAIN_MAX 64

/* Model code and launch scripts larger than this are not read: no source
 * file comes near it, and generated blobs are not worth scanning. */
#define SL_SCAN_MAX_FILE (16u << 20)
/* A folder's cached Python scan larger than this is not read. */
#define SL_PY_CACHE_MAX (256u << 20)

/* Brackets and def/class scopes tracked by the Python scanner. */
#define SL_SCAN_MAX_FRAMES 256
#define SL_SCAN_MAX_SCOPES 128
/* Tokens of one condition or value the Python scanner reads as a guard, and
 * branches of one if/elif chain it negates for the next: longer ones are not
 * read (the site is then guarded by less, never by more). */
#define SL_SCAN_MAX_COND_TOKENS 64
#define SL_SCAN_MAX_BRANCHES 16
/* Nested ${...} in a shell word deeper than this is not a real script. */
#define SL_SH_MAX_EXPANSION_DEPTH 32
/* Bytes one shell word may expand to, and all variable expansions of a
 * script together: `V1=$V0$V0` forty times would otherwise ask for a
 * terabyte from a 600-byte script. Each expanded byte keeps where it was
 * written and is copied when a variable or `eval` takes it, about 25 bytes
 * in all, so the script limit bounds a scan to about 25 MiB; MaxText's
 * scripts expand to a few kilobytes. */
#define SL_SH_MAX_WORD (64u << 10)
#define SL_SH_MAX_EXPANDED (1u << 20)

/* Parsed files and merged chains a session keeps between targets; past
 * this, the least recently used are dropped (and parsed again if needed),
 * so a tree of any size is linted in bounded memory. */
#define SL_SESSION_CACHE_BYTES (48u << 20)

/* Directory levels a walk descends. */
#define SL_WALK_MAX_DEPTH 48

/* Language server: the body of one message (an editor sends a whole buffer
 * in one, and a YAML file larger than SL_YAML_MAX_BYTES is refused anyway,
 * so a bigger body is not an editor talking) and the header block before
 * it. */
#define SL_LSP_MAX_MESSAGE (SL_YAML_MAX_BYTES + (1u << 20))
#define SL_LSP_MAX_HEADER 8192
/* Tensors listed in one hover. */
#define SL_LSP_HOVER_TENSORS 24
/* Unused rules reported one by one per config; the rest are counted in one
 * more note (a generated rule list can hold tens of thousands). */
#define SL_UNUSED_RULES_MAX 32

/* Names longer than this are not compared for spelling suggestions. */
#define SL_SPELL_MAX_LEN 256

/* Dims of one tensor spec. */
#define SL_MAX_DIMS 16

#endif
