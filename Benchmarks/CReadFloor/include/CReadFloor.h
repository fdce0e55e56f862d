int headroom_floor_placeholder(void);
