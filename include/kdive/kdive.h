/*
 * kdive public API: what commands, built-in or loaded with `extend`, may use.
 *
 * Stability: a module states the KDIVE_API_VERSION it was built against; kdive
 * loads modules whose major version matches and whose minor is not newer than
 * its own. Functions are only ever added within a major version.
 *
 * Error convention: every fallible function returns 0 on success and -1 on
 * failure, leaving a one-line reason in the session (kd_last_error()).
 */
#ifndef KDIVE_KDIVE_H
#define KDIVE_KDIVE_H

#include <kdive/common.h>
#include <kdive/module.h>
#include <kdive/memory.h>
#include <kdive/log.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/walk.h>
#include <kdive/session.h>
#include <kdive/util.h>
#include <kdive/tasks.h>
#include <kdive/linux.h>
#include <kdive/unwind.h>
#include <kdive/expr.h>
#include <kdive/cvalue.h>
#include <kdive/print.h>
#include <kdive/vmalloc.h>
#include <kdive/swap.h>
#include <kdive/mm.h>
#include <kdive/slab.h>
#include <kdive/fs.h>
#include <kdive/moddebug.h>
#include <kdive/net.h>
#include <kdive/ipc.h>
#include <kdive/irq.h>
#include <kdive/device.h>
#include <kdive/timer.h>
#include <kdive/machine.h>
#include <kdive/json.h>
#include <kdive/waitq.h>
#include <kdive/bpf.h>
#include <kdive/sbitmap.h>
#include <kdive/disasm.h>

#endif
