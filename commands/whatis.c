/* placeholder: filled in by the work on this layer */
typedef int kdive_placeholder_;
