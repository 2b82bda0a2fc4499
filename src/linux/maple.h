/* Maple trees are walked by the walker library now (kd_walk_maple in <kdive/walk.h>); this header
 * stays only until the files that include it include that one instead. */
#ifndef KDIVE_MAPLE_H
#define KDIVE_MAPLE_H

#include "linux/walk.h"

#endif
