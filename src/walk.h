/* placeholder: filled in by the work on this layer */
#ifndef KDIVE_WALK_H
#define KDIVE_WALK_H
#endif
