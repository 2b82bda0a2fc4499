/* placeholder: filled in by the work on this layer */
#ifndef KDIVE_TASKS_H
#define KDIVE_TASKS_H
#endif
