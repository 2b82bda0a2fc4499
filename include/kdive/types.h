/* kdive public API: types, always by name, so modules survive layout changes between kernels. */
#ifndef KDIVE_PUBLIC_TYPES_H
#define KDIVE_PUBLIC_TYPES_H

#include <kdive/common.h>

KD_BEGIN_DECLS

KD_API int kd_member_offset(kd_session *s, const char *type, const char *member, uint64_t *offset);
KD_API bool kd_member_exists(kd_session *s, const char *type, const char *member);
KD_API int kd_type_size(kd_session *s, const char *type, uint64_t *size);

KD_END_DECLS

#endif
