/* Files and paths: the dentry/mount walk behind files, vm and friends. */
#ifndef KDIVE_FS_H
#define KDIVE_FS_H

#include "target/session.h"

/* The path of a (vfsmount, dentry) pair, crossing mount points up to the namespace root. */
int kd_fs_path(kd_session *s, uint64_t vfsmount, uint64_t dentry, char *buf, size_t size);
/* The path of an open struct file (f_path). */
int kd_fs_file_path(kd_session *s, uint64_t file, char *buf, size_t size);
/* crash's four-letter type of an inode: REG DIR CHR BLK FIFO LNK SOCK, or "UNKN". */
const char *kd_fs_inode_type(kd_session *s, uint64_t inode);

#endif
