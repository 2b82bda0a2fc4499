/* The SLUB slab allocator's walker (see <kdive/slab.h>). */
#ifndef KDIVE_LINUX_SLAB_H
#define KDIVE_LINUX_SLAB_H

#include "target/session.h"

#include <kdive/slab.h>

#endif
