/* placeholder: filled in by the work on this layer */
#ifndef KDIVE_UNWIND_H
#define KDIVE_UNWIND_H
#endif
