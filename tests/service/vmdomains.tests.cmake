# VMs are libvirt domains: the service's VM flows against an in-memory hypervisor (FakeHypervisor.h).
passdeck_add_test(tst_vm_domains SOURCES service/tst_vm_domains.cpp support/StoreFixture.h support/FakeHypervisor.h support/VmDomainXmlCheck.h
                  LIBS passdeck_backend Qt6::Sql LABELS unit store)
