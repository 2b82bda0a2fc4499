/* placeholder: filled in by the work on this layer */
#ifndef KDIVE_CEXPR_H
#define KDIVE_CEXPR_H
#endif
