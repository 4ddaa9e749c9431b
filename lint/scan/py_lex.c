/* The Python tokenizer: one pass over the bytes, strings skipped whole
 * (f-string fields walked so nested quotes do not end them). */
#include "py_lex.h"

/* Byte classes, looked up once per byte in the hot loops. */
enum { C_NAME = 1, C_DIGIT = 2, C_STOP = 4 /* ends a run of string text */ };
static const unsigned char cls[256] = {
    ['a' ... 'z'] = C_NAME, ['A' ... 'Z'] = C_NAME, ['_'] = C_NAME, [0x80 ... 0xff] = C_NAME,
    ['0' ... '9'] = C_DIGIT, ['\\'] = C_STOP, ['\n'] = C_STOP, ['\''] = C_STOP, ['"'] = C_STOP,
    ['{'] = C_STOP, ['}'] = C_STOP,
};

static bool is_name_start(unsigned char c)
{
    return cls[c] & C_NAME;
}

static bool is_name_char(unsigned char c)
{
    return cls[c] & (C_NAME | C_DIGIT);
}

static void lx_newline(lexer *lx, const char *nl)
{
    lx->line++;
    lx->bol = nl + 1;
}

/* Skips a string starting at the quote lx->p points to; f-string fields are
 * walked so quotes nested in them (Python 3.12) do not end the string. */
static void skip_string(lexer *lx, bool fmt, tok *t)
{
    char q = *lx->p;
    bool triple = lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q;
    lx->p += triple ? 3 : 1;
    t->boff = (unsigned short)(lx->p - t->s);
    int braces = 0;
    while (lx->p < lx->end) {
        while (lx->p < lx->end && !(cls[(unsigned char)*lx->p] & C_STOP))
            lx->p++;
        if (lx->p >= lx->end)
            break;
        char c = *lx->p;
        if (c == '\\' && lx->p + 1 < lx->end) {
            if (lx->p[1] == '\n')
                lx_newline(lx, lx->p + 1);
            lx->p += 2;
            continue;
        }
        if (c == '\n') {
            if (!triple)
                break; /* unterminated: the line ends it */
            lx_newline(lx, lx->p);
        } else if (braces > 0 && (c == '\'' || c == '"')) {
            tok inner = {.s = lx->p};
            skip_string(lx, false, &inner);
            continue;
        } else if (c == q && braces == 0 &&
                   (!triple || (lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q))) {
            t->bn = (unsigned)(lx->p - TOK_BODY(t));
            lx->p += triple ? 3 : 1;
            return;
        } else if (fmt && c == '{') {
            if (braces == 0 && lx->p + 1 < lx->end && lx->p[1] == '{')
                lx->p++;
            else
                braces++;
        } else if (fmt && c == '}' && braces > 0) {
            braces--;
        }
        lx->p++;
    }
    t->bn = (unsigned)(lx->p - TOK_BODY(t));
}

static bool string_prefix(const char *s, size_t n, bool *fmt, bool *plain)
{
    if (n > 3)
        return false;
    *fmt = false;
    *plain = true;
    for (size_t i = 0; i < n; i++) {
        switch (s[i] | 0x20) {
        case 'r': case 'u': break;
        case 'f': case 't': *fmt = true; *plain = false; break;
        case 'b': *plain = false; break;
        default: return false;
        }
    }
    return true;
}

static void lex_op(lexer *lx, tok *t)
{
    char c = *lx->p++;
    t->kind = T_OP;
    t->op = c;
    if (lx->p < lx->end && *lx->p == '=' && strchr("=!<>+-*/%&|^@:", c)) {
        lx->p++;
        t->op = 'x';
    } else if (c == '-' && lx->p < lx->end && *lx->p == '>') {
        lx->p++;
        t->op = 'x';
    }
    if (c == '(' || c == '[' || c == '{')
        lx->depth++;
    else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0)
        lx->depth--;
}

void lex_next(lexer *lx, tok *t)
{
    t->op = 0;
    t->n = 0;
    t->plain = false;
    for (;;) {
        if (lx->p >= lx->end) {
            t->kind = T_EOF;
            t->line = lx->line;
            t->s = lx->p;
            return;
        }
        char c = *lx->p;
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            do
                lx->p++;
            while (lx->p < lx->end && *lx->p == ' ');
        } else if (c == '\\' && lx->p + 1 < lx->end &&
                   (lx->p[1] == '\n' || lx->p[1] == '\r')) {
            lx->p++;
            if (*lx->p == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n')
                lx->p++;
            lx_newline(lx, lx->p);
            lx->p++;
        } else if (c == '#') {
            const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
            lx->p = nl ? nl : lx->end;
        } else if (c == '\n') {
            lx_newline(lx, lx->p);
            lx->p++;
            if (lx->depth == 0 && lx->line_has_tok) {
                lx->line_has_tok = false;
                t->kind = T_NEWLINE;
                t->s = lx->p;
                return;
            }
        } else {
            break;
        }
    }
    const char *start = lx->p;
    unsigned char c = (unsigned char)*lx->p;
    t->s = start;
    t->line = lx->line;
    t->col = (int)(start - lx->bol) + 1;
    lx->line_has_tok = true;
    bool fmt = false, plain = true;
    if (is_name_start(c)) {
        while (lx->p < lx->end && is_name_char((unsigned char)*lx->p))
            lx->p++;
        size_t n = (size_t)(lx->p - start);
        if (lx->p < lx->end && (*lx->p == '\'' || *lx->p == '"') &&
            string_prefix(start, n, &fmt, &plain)) {
            t->kind = T_STRING;
            t->plain = plain;
            skip_string(lx, fmt, t);
        } else {
            t->kind = T_NAME;
        }
    } else if (c == '\'' || c == '"') {
        t->kind = T_STRING;
        t->plain = true;
        skip_string(lx, false, t);
    } else if ((unsigned)(c - '0') < 10u ||
               (c == '.' && lx->p + 1 < lx->end && (unsigned)((unsigned char)lx->p[1] - '0') < 10u)) {
        t->kind = T_NUMBER;
        while (lx->p < lx->end && (is_name_char((unsigned char)*lx->p) || *lx->p == '.'))
            lx->p++;
    } else {
        lex_op(lx, t);
    }
    t->n = (size_t)(lx->p - start);
}
