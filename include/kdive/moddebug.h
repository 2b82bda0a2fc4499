/* kdive public API: module object files and their debug information (mod -s/-S/-d/-D/-R). */
#ifndef KDIVE_PUBLIC_MODDEBUG_H
#define KDIVE_PUBLIC_MODDEBUG_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/*
 * Look for a loaded module's object file as crash does: NAME.o, NAME.ko, NAME.ko.debug
 * (and, beyond crash, NAME.ko.xz and NAME.ko.zst), the module's name as it is, with
 * dashes for its underscores, then either; first match of a recursive walk. With tree,
 * only under tree (symbolic links followed); else, in order, under
 * /usr/lib/debug/lib/modules/RELEASE (Debian's -dbg package), $CRASH_MODULE_PATH,
 * /lib/modules/RELEASE/updates, /lib/modules/RELEASE and the directory of vmlinux. With
 * file (a name to look for instead of NAME.o), that name first. Beyond crash, when no name
 * matches (and no file is given), the file named by the build ID the module carries in the
 * dump: TREE/.build-id/xx/rest.debug, or /usr/lib/debug/.build-id/xx/rest.debug without a
 * tree. A path to free, or NULL (no error is set) when nothing is found.
 */
KD_API char *kd_module_objfile_search(kd_session *s, const char *module, const char *file, const char *tree);
/*
 * Load a module's object file (.ko, .ko.xz, .ko.zst): its DWARF, relocated to where the
 * module's sections sit in the dump (struct module's sect_attrs), joins the type model
 * and the line tables, so struct, p, whatis, sym and bt -l know the module's types,
 * variables and lines. A file whose build ID differs from the module's in the dump is
 * refused. Loading a module already loaded does nothing. -1 with an error.
 */
KD_API int kd_module_objfile_load(kd_session *s, const char *module, const char *path);
/* The object file loaded for a module, as it was given; NULL when none is. */
KD_API const char *kd_module_objfile(kd_session *s, const char *module);
/* Forget a module's object file (module NULL: every module's). */
KD_API void kd_module_objfile_unload(kd_session *s, const char *module);
/* Unload every object file and read the module list again (crash's mod -R). */
KD_API void kd_modules_reinit(kd_session *s);

KD_END_DECLS

#endif
