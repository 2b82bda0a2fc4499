/* Files and paths: the dentry/mount walk behind files, vm and friends; open files, mounts, the page cache. */
#ifndef KDIVE_FS_H
#define KDIVE_FS_H

#include "target/session.h"

#include <kdive/linux.h>
#include <kdive/fs.h>

#endif
