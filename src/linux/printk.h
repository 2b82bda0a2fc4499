/* The kernel log: the lockless printk ring buffer (5.10+), or the variable-length records before it. */
#ifndef KDIVE_PRINTK_H
#define KDIVE_PRINTK_H

#include "target/session.h"

#include <kdive/log.h>

/* The record types are public (<kdive/log.h>) under kd_ names; the old names stay for the
 * callers in the tree until they move. */
#define log_record kd_log_record
#define log_records kd_log_records

#endif
