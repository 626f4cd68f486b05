/*
 * sim_version.h — the version string and the build revision (set by the Makefile).
 */
#ifndef SIM_VERSION_H
#define SIM_VERSION_H

#define SIM_VERSION "0.1.0"
/* build/gen/sim_revision.h is rewritten by the Makefile only when the git revision
 * changes, so the files that print it are rebuilt then and only then. */
#if defined(__has_include)
#if __has_include("sim_revision.h")
#include "sim_revision.h"
#endif
#endif
#ifndef SIM_REVISION
#define SIM_REVISION "unknown"
#endif

#endif
