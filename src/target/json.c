/*
 * JSON output (include/kdive/json.h): the command's result as a json-c tree, and the
 * envelope of each document, built by the shell around every command in JSON mode.
 */
#include <json-c/json.h>
#include <string.h>

#include "target/session.h"

#define JSON_DEPTH_MAX 24 /* deeper than any result; within common parsers' limits (json-c: 32) with the envelope */

struct json_state {
	json_object *root;
	json_object *stack[JSON_DEPTH_MAX];
	int depth;     /* open containers: stack[0..depth-1] */
	int overflow;  /* begins past JSON_DEPTH_MAX, ended without effect */
};

bool kd_json_active(kd_session *s)
{
	return s->json_mode;
}

void session_json_reset(kd_session *s)
{
	if (!s->json)
		s->json = xcalloc(1, sizeof(*s->json));
	if (s->json->root)
		json_object_put(s->json->root);
	memset(s->json, 0, sizeof(*s->json));
}

void session_json_free(kd_session *s)
{
	if (s->json && s->json->root)
		json_object_put(s->json->root);
	free(s->json);
	s->json = NULL;
}

/* Puts v where the command is writing: a member of the innermost object, an element of the
 * innermost array, or the root (an implicit object when a member comes first). */
static void put(kd_session *s, const char *key, json_object *v)
{
	if (!s->json_mode) {
		json_object_put(v);
		return;
	}
	if (!s->json)
		session_json_reset(s);
	struct json_state *j = s->json;
	if (!j->depth) {
		if (!j->root && !key) {
			j->root = v; /* a scalar or a container as the whole result */
			return;
		}
		if (!j->root)
			j->root = json_object_new_object();
		if (!json_object_is_type(j->root, json_type_object)) {
			json_object_put(v); /* a second value at the top: nowhere to go */
			return;
		}
		json_object_object_add(j->root, key ? key : "value", v);
		return;
	}
	json_object *top = j->stack[j->depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else
		json_object_object_add(top, key ? key : "value", v);
}

static void begin(kd_session *s, const char *key, json_object *c)
{
	if (!s->json_mode) {
		json_object_put(c);
		return;
	}
	if (!s->json)
		session_json_reset(s);
	struct json_state *j = s->json;
	if (j->depth >= JSON_DEPTH_MAX) {
		json_object_put(c);
		j->overflow++;
		return;
	}
	json_object_get(c); /* one reference for the tree, one for the stack */
	put(s, key, c);
	j->stack[j->depth++] = c;
}

void kd_json_object_begin(kd_session *s, const char *key)
{
	begin(s, key, json_object_new_object());
}

void kd_json_array_begin(kd_session *s, const char *key)
{
	begin(s, key, json_object_new_array());
}

int kd_json_depth(kd_session *s)
{
	return s->json ? s->json->depth : 0;
}

bool kd_json_in_array(kd_session *s)
{
	struct json_state *j = s->json;
	return j && j->depth > 0 && json_object_is_type(j->stack[j->depth - 1], json_type_array);
}

void kd_json_end(kd_session *s)
{
	struct json_state *j = s->json;
	if (!s->json_mode || !j)
		return;
	if (j->overflow) {
		j->overflow--;
		return;
	}
	if (j->depth)
		json_object_put(j->stack[--j->depth]);
}

void kd_json_str(kd_session *s, const char *key, const char *val)
{
	put(s, key, val ? json_object_new_string(val) : NULL);
}

void kd_json_int(kd_session *s, const char *key, int64_t val)
{
	put(s, key, json_object_new_int64(val));
}

void kd_json_uint(kd_session *s, const char *key, uint64_t val)
{
	put(s, key, json_object_new_uint64(val));
}

void kd_json_double(kd_session *s, const char *key, double val)
{
	put(s, key, json_object_new_double(val));
}

void kd_json_bool(kd_session *s, const char *key, bool val)
{
	put(s, key, json_object_new_boolean(val));
}

void kd_json_null(kd_session *s, const char *key)
{
	put(s, key, NULL);
}

void kd_json_addr(kd_session *s, const char *key, uint64_t val)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)val);
	put(s, key, json_object_new_string(buf));
}

void kd_json_error(kd_session *s, const char *key)
{
	kd_json_str(s, key, s->err.msg);
	kd_err_clear(&s->err);
}

static const char *code_name(enum kd_errcode c)
{
	static const char *const names[] = {
		[KD_OK] = "OK",         [KD_EINVAL] = "EINVAL",     [KD_EIO] = "EIO",
		[KD_EFORMAT] = "EFORMAT", [KD_ENOTFOUND] = "ENOTFOUND", [KD_EEXCLUDED] = "EEXCLUDED",
		[KD_ENOMEM_DUMP] = "ENOMEM_DUMP", [KD_EFAULT] = "EFAULT", [KD_EUNSUPP] = "EUNSUPP",
		[KD_EUSAGE] = "EUSAGE", [KD_EFAIL] = "EFAIL",   [KD_EINTR] = "EINTR",
	};
	return (size_t)c < sizeof(names) / sizeof(names[0]) && names[c] ? names[c] : "EFAIL";
}

/*
 * The document of one command: its result (whatever is open is closed by taking the root as it
 * stands), or its text output when it wrote no result, and its error. A malloc'd line.
 */
char *session_json_document(kd_session *s, const char *command, int rc, const char *text)
{
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kdive_json", json_object_new_string(KDIVE_JSON_VERSION));
	json_object_object_add(doc, "command", json_object_new_string(command));
	json_object_object_add(doc, "status", json_object_new_int(rc < 0 ? 1 : 0));
	struct json_state *j = s->json;
	json_object *result = j ? j->root : NULL;
	if (j) {
		while (j->depth)
			json_object_put(j->stack[--j->depth]);
		j->root = NULL;
	}
	json_object_object_add(doc, "result", result);
	if (!result)
		json_object_object_add(doc, "text", json_object_new_string(text ? text : ""));
	if (rc < 0) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "code", json_object_new_string(code_name(s->err.code)));
		char addr[24];
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)s->err.addr);
		json_object_object_add(e, "address", s->err.addr ? json_object_new_string(addr) : NULL);
		json_object_object_add(e, "message", json_object_new_string(s->err.msg));
		json_object_object_add(doc, "error", e);
	} else {
		json_object_object_add(doc, "error", NULL);
	}
	char *line = xstrdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return line;
}

char *kd_json_document(kd_session *s, const char *command, int rc)
{
	return session_json_document(s, command, rc, "");
}
