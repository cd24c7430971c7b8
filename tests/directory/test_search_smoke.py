from joinedup.directory.selectors import ServiceSearch, service_search
from tests import factories as f


def test_search_finds_a_service_by_a_word_of_its_description(befriending):
    f.ServiceFactory(name="Employment support", description="Help into work.")
    results = service_search(params=ServiceSearch(text="loneliness"))
    assert [s.name for s in results.page] == ["Befriending"]
