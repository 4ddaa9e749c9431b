/* The Python tokenizer the model-code scanner walks: names, strings (whole,
 * f-strings included), numbers, operators and logical line ends. Internal to
 * lint/scan. */
#ifndef SHARDLINT_PY_LEX_H
#define SHARDLINT_PY_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef enum { T_EOF, T_NAME, T_STRING, T_NUMBER, T_OP, T_NEWLINE } tok_kind;

/* Kept small: the walk copies the last few tokens at every step. */
typedef struct {
    const char *s;      /* token text */
    size_t n;
    int line, col;
    unsigned bn;        /* T_STRING: length of the text between the quotes, */
    unsigned short boff;/* which starts this far into s */
    char kind;          /* tok_kind */
    char op;            /* T_OP: the character; '=' only for a lone '=', 'x' for
                           any other operator of two characters */
    bool plain;         /* T_STRING: no f/b/t prefix, so a constant text */
} tok;

#define TOK_BODY(t) ((t)->s + (t)->boff)

typedef struct {
    const char *p, *end;
    const char *bol;    /* start of the current line */
    int line;
    int depth;          /* bracket depth: newlines inside brackets are not ends */
    bool line_has_tok;
} lexer;

/* word is a string literal: its length is known at compile time. */
#define tok_is(t, word) \
    ((t)->kind == T_NAME && (t)->n == sizeof(word) - 1 && memcmp((t)->s, word, (t)->n) == 0)

/* The next token; T_NEWLINE only at the end of a logical line (outside
 * brackets), T_EOF at the end. */
void lex_next(lexer *lx, tok *t);

/* Inline: the walk asks these for nearly every token. */
static inline bool is_op(const tok *t, char op)
{
    return t->kind == T_OP && t->op == op;
}

/* Python keywords that can stand before a bracket that opens a literal
 * (`return (...)`, `in [...]`), so the bracket is not a call. */
static inline bool is_keyword(const tok *t)
{
    static const char *const kw[] = {
        "and", "as", "assert", "await", "del", "elif", "else", "for", "from", "if", "import",
        "in", "is", "lambda", "not", "or", "raise", "return", "while", "with", "yield",
        "None", "True", "False", "case", "match", "global", "nonlocal", "except", NULL};
    if (t->kind != T_NAME || t->n > 8)
        return false;
    for (int i = 0; kw[i]; i++)
        if (kw[i][0] == t->s[0] && strlen(kw[i]) == t->n && memcmp(kw[i], t->s, t->n) == 0)
            return true;
    return false;
}

#endif
