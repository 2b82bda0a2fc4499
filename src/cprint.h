/* placeholder: filled in by the work on this layer */
#ifndef KDIVE_CPRINT_H
#define KDIVE_CPRINT_H
#endif
