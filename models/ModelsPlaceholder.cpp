// Keeps the models library non-empty until the first model lands.
namespace passdeck { int modelsLibraryAnchor = 0; }
