/* YAML loading with libyaml's event parser into sl_node trees. Aliases point
 * at the anchored node instead of copying it, so every limit is checked on
 * the tree as it would be once expanded: a few lines of nested aliases can
 * stand for billions of nodes. */
#include "shardlint/yaml.h"

#include "shardlint/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>


typedef struct {
    sl_node *node;
    sl_vec items;        /* seq items, or map keys and values alternating */
    const char *anchor;
    size_t start_total;  /* expanded node count when the frame opened */
    int maxd;            /* deepest level reached inside, aliases expanded */
} ld_frame;

typedef struct {
    sl_node *node;
    size_t size;         /* nodes once expanded, itself included */
    int height;          /* container levels it adds where an alias puts it */
} ld_anchor;

typedef struct {
    sl_arena *a;
    const char *file;
    const sl_loc *fixed; /* every node gets this location (override values) */
    const char *text;    /* the input, for locating reader errors */
    size_t len;
    yaml_parser_t parser;
    ld_frame *stack;     /* grown as nesting deepens: most values are flat */
    int cap;
    int depth;
    size_t total;
    sl_strmap anchors;
    sl_vec anchor_list;
    sl_node *root;
    sl_err *err;
} loader;

static sl_loc mark_loc(const loader *ld, yaml_mark_t m)
{
    if (ld->fixed)
        return *ld->fixed;
    sl_loc loc = {ld->file, (int)m.line + 1, (int)m.column + 1, 0};
    return loc;
}

static int count_nodes(loader *ld, size_t n, yaml_mark_t m)
{
    ld->total += n;
    if (ld->total <= SL_YAML_MAX_NODES)
        return 0;
    sl_err_set(ld->err, mark_loc(ld, m),
               "YAML expands to more than %d values here, aliases counted as often as they "
               "are used: far beyond any MaxText config, so shardlint stops reading the file",
               SL_YAML_MAX_NODES);
    return -1;
}

static int reach_depth(loader *ld, int d, yaml_mark_t m)
{
    if (d > SL_YAML_MAX_DEPTH) {
        sl_err_set(ld->err, mark_loc(ld, m), "YAML nested deeper than %d levels",
                   SL_YAML_MAX_DEPTH);
        return -1;
    }
    if (ld->depth > 0 && d > ld->stack[ld->depth - 1].maxd)
        ld->stack[ld->depth - 1].maxd = d;
    return 0;
}

static void add_anchor(loader *ld, const char *name, sl_node *n, size_t size, int height)
{
    if (!name)
        return;
    ld_anchor *an = sl_alloc(ld->a, sizeof *an);
    an->node = n;
    an->size = size;
    an->height = height;
    sl_strmap_put(ld->a, &ld->anchors, name, ld->anchor_list.n);
    sl_vec_push(ld->a, &ld->anchor_list, an);
}

static void add_child(loader *ld, sl_node *n)
{
    if (ld->depth == 0) {
        if (!ld->root)
            ld->root = n;
        return;
    }
    sl_vec_push(ld->a, &ld->stack[ld->depth - 1].items, n);
}

static const char *anchor_name(loader *ld, const yaml_char_t *anchor)
{
    return anchor ? sl_strdup(ld->a, (const char *)anchor) : NULL;
}

static int on_scalar(loader *ld, yaml_event_t *ev)
{
    bool quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                  (ev->data.scalar.tag &&
                   strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0);
    sl_node *n = sl_node_new_scalar(ld->a, "", true, mark_loc(ld, ev->start_mark));
    n->str = sl_strndup(ld->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->end = mark_loc(ld, ev->end_mark);
    if (!quoted && !sl_scalar_resolve(n)) {
        sl_err_set(ld->err, n->loc, "integer %s is outside the range shardlint reads "
                   "(-2^63 to 2^63-1)", n->str);
        return -1;
    }
    if (count_nodes(ld, 1, ev->start_mark) < 0 ||
        reach_depth(ld, ld->depth, ev->start_mark) < 0)
        return -1;
    add_anchor(ld, anchor_name(ld, ev->data.scalar.anchor), n, 1, 0);
    add_child(ld, n);
    return 0;
}

static int on_alias(loader *ld, yaml_event_t *ev)
{
    size_t at;
    const char *name = (const char *)ev->data.alias.anchor;
    if (!sl_strmap_get(&ld->anchors, name, &at)) {
        sl_err_set(ld->err, mark_loc(ld, ev->start_mark), "unknown YAML alias *%s", name);
        return -1;
    }
    ld_anchor *an = ld->anchor_list.items[at];
    if (count_nodes(ld, an->size, ev->start_mark) < 0 ||
        reach_depth(ld, ld->depth + an->height, ev->start_mark) < 0)
        return -1;
    add_child(ld, an->node);
    return 0;
}

static int on_start(loader *ld, yaml_event_t *ev, sl_node_kind kind)
{
    if (reach_depth(ld, ld->depth + 1, ev->start_mark) < 0 ||
        count_nodes(ld, 1, ev->start_mark) < 0)
        return -1;
    sl_loc loc = mark_loc(ld, ev->start_mark);
    if (ld->depth == ld->cap) {
        ld->cap = ld->cap ? ld->cap * 2 : 8;
        ld_frame *grown = sl_alloc(ld->a, (size_t)ld->cap * sizeof *grown);
        if (ld->depth)
            memcpy(grown, ld->stack, (size_t)ld->depth * sizeof *grown);
        ld->stack = grown;
    }
    ld_frame *f = &ld->stack[ld->depth++];
    memset(f, 0, sizeof *f);
    f->node = kind == SL_NODE_MAP ? sl_node_new_map(ld->a, loc) : sl_node_new_seq(ld->a, loc);
    f->start_total = ld->total;
    f->maxd = ld->depth;
    if (kind == SL_NODE_MAP) {
        f->anchor = anchor_name(ld, ev->data.mapping_start.anchor);
        f->node->flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    } else {
        f->anchor = anchor_name(ld, ev->data.sequence_start.anchor);
        f->node->flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    }
    return 0;
}

/* Appends key -> value to the map being finished; a repeated key keeps its
 * first position and takes the last value, as a Python dict does. */
static void map_put(loader *ld, sl_node *map, sl_strmap *index, sl_node *k, sl_node *v)
{
    size_t at;
    if (sl_strmap_get(index, k->str, &at)) {
        map->items[at] = v;
        return;
    }
    map->keys[map->n] = k;
    map->items[map->n] = v;
    sl_strmap_put(ld->a, index, k->str, map->n++);
}

/* `<<: *a` or `<<: [*a, *b]`: pairs of the merged maps come first and the
 * earlier maps of a list win, as PyYAML's flatten_mapping orders them. */
static int merge_sources(loader *ld, sl_node *v, sl_vec *out)
{
    if (v->kind == SL_NODE_MAP) {
        sl_vec_push(ld->a, out, v);
        return 0;
    }
    bool maps = v->kind == SL_NODE_SEQ;
    for (size_t k = 0; maps && k < v->n; k++)
        maps = v->items[k]->kind == SL_NODE_MAP;
    if (!maps) {
        sl_err_set(ld->err, v->loc, "merge key << needs a mapping or a list of mappings");
        return -1;
    }
    for (size_t k = v->n; k-- > 0;)
        sl_vec_push(ld->a, out, v->items[k]);
    return 0;
}

static bool is_merge_key(const sl_node *k)
{
    return k->type == SL_SCALAR_STR && strcmp(k->str, "<<") == 0;
}

static int finish_map(loader *ld, ld_frame *f)
{
    sl_node **kv = (sl_node **)f->items.items;
    sl_vec sources = {0};
    size_t cap = f->items.n / 2;
    for (size_t k = 0; k + 1 < f->items.n; k += 2) {
        if (kv[k]->kind != SL_NODE_SCALAR) {
            sl_err_set(ld->err, kv[k]->loc, "mapping keys must be scalars");
            return -1;
        }
        if (is_merge_key(kv[k]) && merge_sources(ld, kv[k + 1], &sources) < 0)
            return -1;
    }
    for (size_t s = 0; s < sources.n; s++)
        cap += ((sl_node *)sources.items[s])->n;
    sl_node *m = f->node;
    m->keys = sl_alloc(ld->a, (cap ? cap : 1) * sizeof *m->keys);
    m->items = sl_alloc(ld->a, (cap ? cap : 1) * sizeof *m->items);
    sl_strmap *index = sl_alloc(ld->a, sizeof *index);
    for (size_t s = 0; s < sources.n; s++) {
        sl_node *src = sources.items[s];
        for (size_t k = 0; k < src->n; k++)
            map_put(ld, m, index, src->keys[k], src->items[k]);
    }
    for (size_t k = 0; k + 1 < f->items.n; k += 2)
        if (!is_merge_key(kv[k]))
            map_put(ld, m, index, kv[k], kv[k + 1]);
    if (m->n >= SL_MAP_INDEX_MIN)
        m->index = index;
    return 0;
}

static int on_end(loader *ld, yaml_event_t *ev)
{
    ld_frame *f = &ld->stack[--ld->depth];
    sl_node *n = f->node;
    n->end = mark_loc(ld, ev->end_mark);
    if (n->kind == SL_NODE_MAP) {
        if (finish_map(ld, f) < 0)
            return -1;
    } else {
        n->items = (sl_node **)f->items.items;
        n->n = f->items.n;
    }
    add_anchor(ld, f->anchor, n, ld->total - f->start_total + 1, f->maxd - ld->depth);
    if (ld->depth > 0 && f->maxd > ld->stack[ld->depth - 1].maxd)
        ld->stack[ld->depth - 1].maxd = f->maxd;
    add_child(ld, n);
    return 0;
}

static int on_event(loader *ld, yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(ld, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(ld, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(ld, ev, SL_NODE_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(ld, ev, SL_NODE_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(ld, ev);
    default:
        return 0;
    }
}

/* libyaml locates reader errors (bytes that are not UTF-8, control
 * characters) by byte offset only; the line and column are counted here,
 * columns in characters as libyaml's marks count them. */
static sl_loc offset_loc(const loader *ld, size_t offset)
{
    if (ld->fixed || !ld->text)
        return mark_loc(ld, (yaml_mark_t){0});
    sl_loc loc = {ld->file, 1, 1, 0};
    for (size_t i = 0; i < offset && i < ld->len; i++) {
        char c = ld->text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ld->len || ld->text[i + 1] != '\n'))) {
            loc.line++;
            loc.col = 1;
        } else if (((unsigned char)c & 0xC0) != 0x80) {
            loc.col++;
        }
    }
    return loc;
}

static int parse_error(loader *ld, const char *what)
{
    const yaml_parser_t *p = &ld->parser;
    const char *problem = p->problem ? p->problem : "unknown libyaml error";
    if (p->error == YAML_READER_ERROR && p->problem_offset < ld->len)
        sl_err_set(ld->err, offset_loc(ld, p->problem_offset), "%s: %s (byte 0x%02x)", what,
                   problem, (unsigned char)ld->text[p->problem_offset]);
    else if (p->error == YAML_READER_ERROR)
        sl_err_set(ld->err, offset_loc(ld, p->problem_offset), "%s: %s", what, problem);
    else
        sl_err_set(ld->err, mark_loc(ld, p->problem_mark), "%s: %s", what, problem);
    return -1;
}

/* Runs the parser over the stream. A second document is an error, as in
 * PyYAML's safe_load (MaxText's loader): its settings would be ignored. */
static int run_parser(loader *ld, const char *what)
{
    bool seen_document = false;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&ld->parser, &ev))
            return parse_error(ld, what);
        int rc = 0;
        if (ev.type == YAML_DOCUMENT_START_EVENT && seen_document) {
            sl_err_set(ld->err, mark_loc(ld, ev.start_mark),
                       "a second YAML document starts here; MaxText reads a config file as "
                       "one document and refuses this file");
            rc = -1;
        } else {
            seen_document |= ev.type == YAML_DOCUMENT_START_EVENT;
            rc = on_event(ld, &ev);
        }
        yaml_event_type_t type = ev.type;
        yaml_event_delete(&ev);
        if (rc < 0)
            return -1;
        if (type == YAML_STREAM_END_EVENT)
            return 0;
    }
}

/* UTF-8 is the only encoding read: MaxText opens config files as UTF-8,
 * and a UTF-16 guess from a BOM would turn stray bytes into text. */
static int parse_buffer(loader *ld, const char *text, size_t len, const char *what)
{
    if (!yaml_parser_initialize(&ld->parser)) {
        sl_err_set(ld->err, mark_loc(ld, (yaml_mark_t){0}), "cannot start the YAML parser");
        return -1;
    }
    ld->text = text;
    ld->len = len;
    yaml_parser_set_encoding(&ld->parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&ld->parser, (const unsigned char *)text, len);
    int rc = run_parser(ld, what);
    yaml_parser_delete(&ld->parser);
    return rc;
}

int sl_yaml_load_text(sl_arena *a, const char *text, size_t len, const char *file,
                      sl_node **out, sl_err *err)
{
    sl_loc start = {file, 1, 1, 0};
    loader *ld = calloc(1, sizeof *ld);
    if (!ld) {
        sl_err_set(err, start, "out of memory");
        return -1;
    }
    ld->a = a;
    ld->file = file;
    ld->err = err;
    int rc = parse_buffer(ld, text, len, "could not parse YAML");
    *out = ld->root ? ld->root : sl_node_new_map(a, start);
    free(ld);
    return rc;
}

int sl_yaml_load_file(sl_arena *a, const char *path, sl_node **out, sl_err *err)
{
    size_t len;
    char *text;
    if (sl_file_read(path, SL_YAML_MAX_BYTES, (sl_loc){0}, &text, &len, err) != 0)
        return -1;
    int rc = sl_yaml_load_text(a, text, len, sl_strdup(a, path), out, err);
    free(text);
    return rc;
}

int sl_yaml_parse_value(sl_arena *a, const char *text, sl_loc loc, sl_node **out,
                        sl_err *err)
{
    loader *ld = calloc(1, sizeof *ld);
    if (!ld) {
        sl_err_set(err, loc, "out of memory");
        return -1;
    }
    ld->a = a;
    ld->fixed = &loc;
    ld->err = err;
    char *what = sl_sprintf(a, "cannot parse value '%s'", text);
    int rc = parse_buffer(ld, text, strlen(text), what);
    *out = ld->root ? ld->root : sl_node_new_scalar(a, "", false, loc);
    free(ld);
    return rc;
}
