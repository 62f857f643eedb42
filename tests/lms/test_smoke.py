from tests.factories.courses import make_programme, modules_of


def test_programme_factory_builds_a_tree(db):
    programme = make_programme(modules=4, courses=2, synchronous_every=2)
    modules = modules_of(programme)
    assert len(modules) == 4
    assert sum(module.is_synchronous for module in modules) == 2
