# Rules live in the service: the Make Resource impact check (the refusals makeResource gives,
# reported before asking), capacity as attach counts it, the VM's QEMU / libvirt snippets.
passdeck_add_test(tst_makeresourceimpact SOURCES service/tst_makeresourceimpact.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_vmpassthrough SOURCES service/tst_vmpassthrough.cpp LIBS passdeck_backend LABELS unit)
