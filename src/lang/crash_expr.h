/* Integer expressions over numbers and symbols, as crash's eval and address arguments take them. */
#ifndef KDIVE_EXPR_H
#define KDIVE_EXPR_H

#include "target/session.h"

#include <kdive/expr.h>

#endif
