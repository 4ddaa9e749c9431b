/* The device mesh MaxText builds from mesh_axes and the ici_ / dcn_
 * parallelism keys. */
#ifndef SHARDLINT_MESH_H
#define SHARDLINT_MESH_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"

typedef struct {
    const char *name;
    long long size;          /* ici * dcn (dcn only with more than one slice) */
    long long ici, dcn;      /* after -1 filling */
    const char *ici_key;     /* e.g. "ici_expert_parallelism", NULL for attn_dp */
    const char *dcn_key;
    sl_loc ici_loc, dcn_loc; /* where the key's value was set */
    bool ici_filled;         /* this axis held the ICI -1 */
    bool dcn_filled;
} sl_axis;

typedef struct {
    sl_axis *axes;
    size_t naxes;
    long long devices;       /* per slice */
    long long slices;
    sl_loc axes_loc;         /* where mesh_axes was set */
} sl_mesh;

/* A launch error MaxText would raise while building the mesh, with the
 * location of the key at fault. */
typedef struct {
    sl_loc loc;
    const char *message;
    sl_loc related[4];
    const char *related_msg[4];
    size_t nrelated;
} sl_mesh_error;

#define SL_MESH_DEFAULT_DEVICES 8

/* Builds the mesh. devices: per slice, 0 meaning "as the config implies":
 * the product of the ICI values when none is -1, else
 * SL_MESH_DEFAULT_DEVICES. slices: 0 means "from num_slices, else 1".
 * Returns 0, or -1 with err for input errors (wrong types), or 1 with *merr
 * filled for a launch error: an unknown or repeated axis name, a
 * value below 1 other than -1, two -1s of one kind, a -1 that cannot be
 * filled, or a product that does not match. */
int sl_mesh_build(sl_arena *a, const sl_config *c, long long devices, long long slices,
                  sl_mesh *out, sl_mesh_error *merr, sl_err *err);

const sl_axis *sl_mesh_axis(const sl_mesh *m, const char *name);
/* Size of a named axis; 1 for an axis the mesh does not have. */
long long sl_mesh_size(const sl_mesh *m, const char *name);

#endif
