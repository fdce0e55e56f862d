/* The legacy variant has no control header of its own; see FakeNVML.h. */
