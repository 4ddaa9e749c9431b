/* Locations and input errors. */
#include "shardlint/loc.h"

#include <stdarg.h>
#include <stdio.h>

void sl_err_set(sl_err *e, sl_loc loc, const char *fmt, ...)
{
    va_list ap;
    e->loc = loc;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

const char *sl_loc_str(sl_loc loc, char *buf, unsigned size)
{
    if (loc.file)
        snprintf(buf, size, "%s:%d:%d", loc.file, loc.line, loc.col);
    else if (loc.word > 0)
        snprintf(buf, size, "command line, word %d", loc.word);
    else
        snprintf(buf, size, "<built-in>");
    return buf;
}
