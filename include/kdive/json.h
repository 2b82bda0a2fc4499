/*
 * Machine-readable output (API 1.5). With `kdive --json` or `set output json`, every command
 * prints one JSON document, on a line of its own:
 *   {"kdive_json": "1.0", "command": "ps -u", "status": 0, "result": {...}, "error": null}
 * doc/json-schema/ describes each command's "result" (JSON Schema), and the envelope. A command
 * that supports JSON asks kd_json_active() and writes its result with the calls below instead of
 * printing its table; a command that does not (yet) gets its text output in "text" instead of a
 * "result". A failure, even halfway, still gives a valid document: what the command left open is
 * closed, and "error" holds the failure's code, address and message ("status" is 1, as a batch
 * run's exit status would be).
 *
 * The calls build the result as a tree: key names a member when the value goes into an object,
 * and is NULL inside an array. The first value written at the top is the result's root object
 * (opened implicitly when a command writes a member first). Addresses are strings ("0x...":
 * 64-bit values do not survive many JSON parsers as numbers); counts and sizes are numbers.
 * The text of strings is JSON-escaped by the library (json-c): commands never escape by hand.
 */
#ifndef KDIVE_JSON_H
#define KDIVE_JSON_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Whether the command's output is JSON. */
KD_API bool kd_json_active(kd_session *s);
KD_API void kd_json_object_begin(kd_session *s, const char *key);
KD_API void kd_json_array_begin(kd_session *s, const char *key);
/* How many objects and arrays are open (0: at the result's top). */
KD_API int kd_json_depth(kd_session *s);
/* Whether the innermost open container is an array (a command run inside another's list,
 * as under foreach, writes its items there instead of opening its own). */
KD_API bool kd_json_in_array(kd_session *s);
/* Closes the innermost object or array. */
KD_API void kd_json_end(kd_session *s);
/* A string (NULL: null). */
KD_API void kd_json_str(kd_session *s, const char *key, const char *val);
KD_API void kd_json_int(kd_session *s, const char *key, int64_t val);
KD_API void kd_json_uint(kd_session *s, const char *key, uint64_t val);
KD_API void kd_json_double(kd_session *s, const char *key, double val);
KD_API void kd_json_bool(kd_session *s, const char *key, bool val);
KD_API void kd_json_null(kd_session *s, const char *key);
/* An address or another 64-bit bit pattern, as "0x" and lower-case hex. */
KD_API void kd_json_addr(kd_session *s, const char *key, uint64_t val);
/* The last failure's message as a string member (a walk that broke: what was read stays in
 * the result, and why it stopped goes beside it), and the failure cleared. */
KD_API void kd_json_error(kd_session *s, const char *key);

/* The document (envelope and result, doc/json-schema/envelope.json) of what the command built
 * so far, as one line without its newline (API 1.5): for a command that turns JSON on for
 * itself in a text session (report -f json). The tree is reset; free() the line. */
KD_API char *kd_json_document(kd_session *s, const char *command, int rc);

KD_END_DECLS

#endif
