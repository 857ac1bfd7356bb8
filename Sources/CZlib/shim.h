#ifndef STORYARCHIVE_CZLIB_SHIM_H
#define STORYARCHIVE_CZLIB_SHIM_H
#include <zlib.h>
#endif
