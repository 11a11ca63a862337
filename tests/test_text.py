from danhgia.lib.text import clean_name, fold, search_text, search_tokens, sort_key


def test_fold_removes_diacritics_and_maps_d_stroke():
    assert fold("  Đặng Thị  Ánh ") == "dang thi anh"
    assert fold("NGUYỄN VĂN A") == "nguyen van a"
    assert fold("Ưng Ơn Ấu") == "ung on au"


def test_search_tokens_match_word_starts():
    haystack = search_text("Nguyễn Văn An")
    assert all(token in haystack for token in search_tokens("nguyen van a"))
    assert " an" in haystack and " a" in haystack
    # "an" is not the start of a word in "Lan": word starts only.
    assert not all(token in search_text("Trần Thị Lan") for token in search_tokens("an"))


def test_vietnamese_order_puts_letters_before_tones():
    names = ["Đặng", "Dũng", "Dung", "Anh", "Ánh", "Ân", "Ăn", "Ưng", "Uyên", "Út", "Đinh", "Duyên"]
    assert sorted(names, key=sort_key) == [
        "Anh",
        "Ánh",
        "Ăn",
        "Ân",
        "Dung",
        "Dũng",
        "Duyên",
        "Đặng",
        "Đinh",
        "Út",
        "Uyên",
        "Ưng",
    ]


def test_numbers_sort_naturally():
    names = ["Thôn 10", "Thôn 2", "Thôn 1"]
    assert sorted(names, key=sort_key) == ["Thôn 1", "Thôn 2", "Thôn 10"]


def test_person_key_sorts_by_given_name_then_family_name():
    people = [("Nguyễn", "Văn", "Bình"), ("Trần", "Thị", "An"), ("Lê", "Văn", "Bình"), ("Đỗ", "", "An")]
    ordered = sorted(people, key=lambda p: sort_key(p[2], p[0], p[1]))
    assert ordered == [("Đỗ", "", "An"), ("Trần", "Thị", "An"), ("Lê", "Văn", "Bình"), ("Nguyễn", "Văn", "Bình")]


def test_sort_keys_are_digits_only_so_every_collation_agrees():
    assert sort_key("Nguyễn Thị Ánh", "Đặng").isdigit()


def test_clean_name_normalises_decomposed_accents_from_word():
    decomposed = "Nguye\u0302\u0303n"  # as pasted from some Word documents
    assert clean_name(f"  {decomposed}   Văn ") == "Nguyễn Văn"


def test_a_search_query_drops_control_characters():
    # A NUL reaching PostgreSQL is a DataError (a server error); a tab still separates words.
    assert search_tokens("ngu\x00yen\tvan\u200b\x7f") == [" nguyen", " van"]
