/* files: what fuser and mount share with files (crash's file lines). */
#ifndef KDIVE_COMMANDS_FILES_H
#define KDIVE_COMMANDS_FILES_H

#include <kdive/kdive.h>

/* The ROOT/CWD paths of a task; false for a task without fs_struct. inodes: the dentries' inodes too. */
bool files_root_cwd(kd_session *s, uint64_t task, char *root, char *cwd, size_t size, uint64_t *root_inode, uint64_t *cwd_inode);
/* One open file's line as files prints it (nrpages: files -c's columns), newline included;
 * -1 with the error in the session when its path or page count could not be read (the line has none). */
int files_line(kd_session *s, const struct kd_open_file *f, bool nrpages, struct kd_sbuf *out);
/* crash's four-character type word and the path it shows for an inode ("" for a pipe, and for a socket at "/"). */
const char *files_type(kd_session *s, uint64_t inode, char *path);

#endif
