#include "CReadFloor.h"
int headroom_floor_placeholder(void) { return 0; }
