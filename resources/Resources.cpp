// The resource library needs one translation unit of its own; Qt 6 links the compiled
// resources (icons, demo descriptions) through the object library qt_add_resources makes.
namespace passdeck { int resourcesLibraryAnchor = 0; }
