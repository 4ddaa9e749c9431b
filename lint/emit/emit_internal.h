/* JSON pieces shared by the emitters that write cJSON documents. */
#ifndef SHARDLINT_EMIT_INTERNAL_H
#define SHARDLINT_EMIT_INTERNAL_H

#include <cjson/cJSON.h>

#include "shardlint/util.h"

cJSON *sl_json_str_or_null(const char *s);
/* {"file","line","column"}, {"command_line_word"} or null. */
cJSON *sl_json_loc(sl_loc l);

#endif
