/* The keys a MaxText tree's config code defines, read from its text once
 * per tree (nothing is imported): the fields of every class in
 * configs/types.py with their annotations, the string values of its
 * `str, Enum` classes and `Literal[...]` aliases, and which of MaxText's two
 * ways of refusing an unknown key the tree's pyconfig uses. */
#include <ctype.h>
#include <string.h>

#include "engine_internal.h"

const sl_tree_file *sl_tree_code(const sl_tree *t, const char *tail)
{
    for (size_t i = 0; t && i < t->ncode; i++)
        if (sl_path_has_suffix(t->code[i].path, tail))
            return &t->code[i];
    return NULL;
}

static const char *const py_keywords[] = {
    "if", "else", "elif", "try", "except", "finally", "for", "while", "with", "def",
    "class", "return", "lambda", "match", "case", "pass", "raise", "assert", "del",
};

typedef struct {
    sl_arena *a;
    const char *path;
    sl_vec fields;            /* sl_tree_field * */
    sl_vec choices;           /* sl_tree_choice * */
    sl_strmap seen;
    /* the class being read */
    bool in_class;
    bool is_enum;
    int body_indent;          /* -1 until the first line of the body */
    sl_tree_choice *choice;   /* the enum's values, or a Literal alias being read */
    bool in_literal;
    int header_depth;         /* open brackets of a class header spanning lines */
    int string_quotes;        /* inside a triple-quoted string */
} reader;

static bool is_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof py_keywords / sizeof *py_keywords; i++)
        if (strlen(py_keywords[i]) == n && strncmp(py_keywords[i], s, n) == 0)
            return true;
    return false;
}

static size_t ident_len(const char *s)
{
    size_t n = 0;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    return n;
}

/* Flips the triple-quote state for each `"""` or `'''` on the line, and
 * says whether the line starts inside such a string. */
static bool in_string(reader *r, const char *line, size_t len)
{
    bool inside = r->string_quotes;
    for (size_t i = 0; i + 2 < len; i++)
        if ((line[i] == '"' || line[i] == '\'') && line[i + 1] == line[i] &&
            line[i + 2] == line[i]) {
            r->string_quotes = !r->string_quotes;
            i += 2;
        }
    return inside;
}

static int bracket_balance(const char *s, size_t len)
{
    int depth = 0;
    for (size_t i = 0; i < len && s[i] != '#'; i++)
        depth += (s[i] == '(' || s[i] == '[') - (s[i] == ')' || s[i] == ']');
    return depth;
}

static void add_choice_value(reader *r, const char *s, size_t n)
{
    sl_tree_choice *c = r->choice;
    c->values = sl_array_append(r->a, c->values, c->nvalues, sizeof *c->values);
    c->values[c->nvalues++] = sl_strndup(r->a, s, n);
}

/* Every quoted string on the line, as values of the Literal being read. */
static void literal_strings(reader *r, const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '#')
            return;
        if (line[i] != '"' && line[i] != '\'')
            continue;
        const char *end = memchr(line + i + 1, line[i], len - i - 1);
        if (!end)
            return;
        add_choice_value(r, line + i + 1, (size_t)(end - line - i - 1));
        i = (size_t)(end - line);
    }
}

static sl_tree_choice *new_choice(reader *r, const char *name, size_t n)
{
    sl_tree_choice *c = sl_alloc(r->a, sizeof *c);
    c->name = sl_strndup(r->a, name, n);
    sl_vec_push(r->a, &r->choices, c);
    return c;
}

/* The annotation of `name: TYPE = ...` or `name: TYPE`, NULL when its
 * brackets do not close on the line. */
static const char *annotation(sl_arena *a, const char *s, size_t len)
{
    int depth = 0;
    size_t end = 0;
    while (end < len && s[end] != '#' && !(depth == 0 && s[end] == '=')) {
        depth += s[end] == '[' || s[end] == '(';
        depth -= s[end] == ']' || s[end] == ')';
        end++;
    }
    if (depth != 0)
        return NULL;
    while (end > 0 && isspace((unsigned char)s[end - 1]))
        end--;
    size_t start = 0;
    while (start < end && isspace((unsigned char)s[start]))
        start++;
    return sl_strndup(a, s + start, end - start);
}

static void add_field(reader *r, const char *name, size_t n, const char *rest, size_t rest_len,
                      int line, int col)
{
    const char *key = sl_strndup(r->a, name, n);
    const char *type = annotation(r->a, rest, rest_len);
    size_t at;
    /* A name two classes annotate differently (a nested model's `rl: bool`
     * and the top level's `rl: RL`) has no one type. */
    if (sl_strmap_get(&r->seen, key, &at)) {
        sl_tree_field *seen = r->fields.items[at];
        if (!type || !seen->type || strcmp(type, seen->type) != 0)
            seen->type = NULL;
        return;
    }
    sl_tree_field *f = sl_alloc(r->a, sizeof *f);
    f->name = key;
    f->type = type;
    f->loc = (sl_loc){.file = r->path, .line = line, .col = col};
    sl_strmap_put(r->a, &r->seen, key, r->fields.n);
    sl_vec_push(r->a, &r->fields, f);
}

/* `NAME = "value"` in an Enum body. */
static void enum_member(reader *r, const char *s, size_t len)
{
    size_t n = ident_len(s);
    const char *eq = n ? memchr(s + n, '=', len - n) : NULL;
    if (!eq)
        return;
    const char *v = eq + 1;
    while (v < s + len && *v == ' ')
        v++;
    if (v >= s + len || (*v != '"' && *v != '\''))
        return;
    const char *end = memchr(v + 1, *v, (size_t)(s + len - v - 1));
    if (end)
        add_choice_value(r, v + 1, (size_t)(end - v - 1));
}

static void class_line(reader *r, const char *s, size_t len, int indent, int line)
{
    if (r->body_indent < 0)
        r->body_indent = indent;
    if (indent != r->body_indent)
        return;
    if (r->is_enum) {
        enum_member(r, s, len);
        return;
    }
    size_t n = ident_len(s);
    if (!n || is_keyword(s, n))
        return;
    size_t k = n;
    while (k < len && s[k] == ' ')
        k++;
    if (k < len && s[k] == ':' && (k + 1 >= len || s[k + 1] != '='))
        add_field(r, s, n, s + k + 1, len - k - 1, line, indent + 1);
}

/* A line at column 0: a class starts (or a Literal alias), anything else
 * ends the class being read. */
static void top_line(reader *r, const char *s, size_t len)
{
    r->in_class = false;
    r->choice = NULL;
    if (strncmp(s, "class ", 6) == 0) {
        size_t n = ident_len(s + 6);
        const char *bases = memchr(s, '(', len);
        r->in_class = n > 0;
        r->body_indent = -1;
        r->is_enum = bases && memmem(bases, len - (size_t)(bases - s), "Enum", 4) &&
                     memmem(bases, len - (size_t)(bases - s), "str", 3);
        r->header_depth = bracket_balance(s, len);
        if (r->is_enum)
            r->choice = new_choice(r, s + 6, n);
        return;
    }
    size_t n = ident_len(s);
    const char *lit = n ? memmem(s, len, "= Literal[", 10) : NULL;
    if (!lit)
        return;
    r->choice = new_choice(r, s, n);
    const char *body = lit + 10;
    size_t rest = len - (size_t)(body - s);
    literal_strings(r, body, rest);
    r->in_literal = !memchr(body, ']', rest);
}

static void read_line(reader *r, const char *s, size_t len, int line)
{
    if (in_string(r, s, len))
        return;
    int indent = 0;
    while ((size_t)indent < len && s[indent] == ' ')
        indent++;
    if ((size_t)indent == len || s[indent] == '#')
        return;
    if (r->in_literal) {
        literal_strings(r, s, len);
        r->in_literal = !memchr(s, ']', len);
        return;
    }
    if (r->in_class && r->header_depth > 0) {
        /* the bases of a class header that spans lines (MaxTextConfig's) */
        r->header_depth += bracket_balance(s, len);
        return;
    }
    if (indent == 0) {
        top_line(r, s, len);
        return;
    }
    if (r->in_class)
        class_line(r, s + indent, len - (size_t)indent, indent, line);
}

static void read_types(sl_arena *a, sl_tree *t, const sl_tree_file *f)
{
    reader r = {.a = a, .path = sl_path_display(a, f->path)};
    int line = 1;
    for (const char *s = f->text; s < f->text + f->len; line++) {
        const char *nl = memchr(s, '\n', (size_t)(f->text + f->len - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(f->text + f->len - s);
        read_line(&r, s, len, line);
        s += len + 1;
    }
    sl_tree_field *fields = sl_alloc(a, (r.fields.n + 1) * sizeof *fields);
    for (size_t i = 0; i < r.fields.n; i++)
        fields[i] = *(sl_tree_field *)r.fields.items[i];
    sl_tree_choice *choices = sl_alloc(a, (r.choices.n + 1) * sizeof *choices);
    for (size_t i = 0; i < r.choices.n; i++)
        choices[i] = *(sl_tree_choice *)r.choices.items[i];
    t->fields = fields;
    t->nfields = r.fields.n;
    t->field_at = r.seen;
    t->choices = choices;
    t->nchoices = r.choices.n;
    for (size_t i = 0, at; i < t->nchoices; i++)
        if (!sl_strmap_get(&t->choice_at, choices[i].name, &at))
            sl_strmap_put(a, &t->choice_at, choices[i].name, i);
}

struct sl_tree_memo {
    sl_arena *a;
    sl_strmap answers;        /* text -> 0 or 1 */
};

static bool code_has(const sl_tree *t, const char *text)
{
    for (size_t i = 0; i < t->ncode; i++)
        if (memmem(t->code[i].text, t->code[i].len, text, strlen(text)))
            return true;
    return false;
}

/* The pydantic pyconfig builds the config from MaxTextConfig's fields; the
 * older one refused a command-line key its YAML did not have. */
void tree_keys_read(sl_arena *a, sl_tree *t)
{
    t->memo = sl_alloc(a, sizeof *t->memo);
    t->memo->a = a;
    const sl_tree_file *types = sl_tree_code(t, "configs/types.py");
    if (types && code_has(t, "model_fields")) {
        read_types(a, t, types);
        t->key_source = t->nfields ? SL_KEYS_FIELDS : SL_KEYS_UNKNOWN;
    } else if (code_has(t, "isn't in config")) {
        t->key_source = SL_KEYS_CHAIN;
    }
}

bool sl_tree_code_has(const sl_tree *t, const char *text)
{
    size_t answer;
    if (!t || !t->ncode)
        return false;
    if (sl_strmap_get(&t->memo->answers, text, &answer))
        return answer;
    answer = code_has(t, text);
    sl_strmap_put(t->memo->a, &t->memo->answers, sl_strdup(t->memo->a, text), answer);
    return answer;
}

const sl_tree_field *sl_tree_field_find(const sl_tree *t, const char *key)
{
    size_t at;
    return t && sl_strmap_get(&t->field_at, key, &at) ? &t->fields[at] : NULL;
}

const sl_tree_choice *sl_tree_choice_find(const sl_tree *t, const char *name)
{
    size_t at;
    return t && sl_strmap_get(&t->choice_at, name, &at) ? &t->choices[at] : NULL;
}
