"""What the demo's businesses sell (#17: the demo is what the agency sees first, so it should
look like a real round): each kind of business has its own shelf of five products, in its
own categories, with prices typed the ways people type them (``15rb``, ``Rp 95.000``,
``1,2 jt``, empty for "hubungi penjual").

A business's kind comes from its name (``BUSINESS_NAMES`` in ``demo.py``, same order), so
"Rumah Batik Tono" sells batik and "Kebun Sari" sells plants; the loader gives each business
of a kind its own products of that shelf (:func:`products_for`), so one product is never
offered by two sellers.
"""

from __future__ import annotations

# (category slug, title, unit, price as typed, description); one shelf per BUSINESS_NAMES entry
SHELVES: list[list[tuple[str, str, str, str, str]]] = [
    [  # "Dapur Bu {n}": home kitchen
        (
            "makanan",
            "Keripik Singkong Balado",
            "pack",
            "15rb",
            "Singkong renyah, bumbu balado pedas manis. 250 gram.",
        ),
        (
            "makanan",
            "Kue Lapis Legit",
            "box",
            "185.000",
            "Lapis legit 18 lapis, mentega wijsman. Ukuran 20×10 cm.",
        ),
        (
            "makanan",
            "Rendang Daging Kemasan",
            "pack",
            "Rp 95.000",
            "Rendang sapi 500 gram, vakum, tahan 3 bulan.",
        ),
        (
            "makanan",
            "Nastar Keju",
            "box",
            "120.000",
            "Nastar selai nanas asli, taburan keju edam. 500 gram.",
        ),
        (
            "makanan",
            "Risoles Mayo Beku",
            "pack",
            "48rb",
            "Isi 10 risoles ragout ayam dan mayones, tinggal goreng.",
        ),
    ],
    [  # "Kedai {n}": drinks stall
        (
            "minuman",
            "Es Kopi Susu Gula Aren 1 Liter",
            "botol",
            "85rb",
            "Kopi susu gula aren dalam botol 1 liter, untuk 6–8 gelas.",
        ),
        (
            "minuman",
            "Jamu Kunyit Asam",
            "botol",
            "12rb",
            "Jamu segar tanpa pengawet, botol 350 ml.",
        ),
        (
            "minuman",
            "Sirup Jahe Merah",
            "botol",
            "30000",
            "Sirup jahe merah dengan gula aren, botol 500 ml.",
        ),
        (
            "minuman",
            "Teh Rosella Kering",
            "pack",
            "25rb",
            "Kelopak rosella kering dari kebun sendiri, 50 gram.",
        ),
        (
            "minuman",
            "Bandrek Sachet",
            "box",
            "22.500",
            "Isi 10 sachet bandrek jahe susu, seduh air panas.",
        ),
    ],
    [  # "{n} Craft": handicraft
        (
            "kerajinan",
            "Vas Bunga Tanah Liat",
            "pcs",
            "85rb",
            "Vas gerabah buatan tangan, tinggi 25 cm.",
        ),
        ("kerajinan", "Gantungan Kunci Kulit", "pcs", "20000", "Kulit sapi asli, bisa ukir nama."),
        (
            "kerajinan",
            "Lampu Hias Bambu",
            "pcs",
            "175.000",
            "Lampu meja dari bambu wulung, kabel 1,5 m.",
        ),
        (
            "kerajinan",
            "Tatakan Gelas Rotan",
            "set",
            "45rb",
            "Set 6 tatakan rotan anyam, diameter 10 cm.",
        ),
        (
            "kerajinan",
            "Miniatur Ondel-ondel",
            "pcs",
            "135.000",
            "Sepasang ondel-ondel kayu dan kain, tinggi 30 cm.",
        ),
    ],
    [  # "Toko {n} Sehat": health
        (
            "kesehatan",
            "Minyak Telon Herbal",
            "botol",
            "28rb",
            "Telon dengan sereh dan kayu putih, 60 ml.",
        ),
        (
            "kesehatan",
            "Madu Hutan Murni",
            "botol",
            "110.000",
            "Madu hutan 500 gram, diuji kadar air.",
        ),
        (
            "kesehatan",
            "Minyak Kayu Putih Roll On",
            "botol",
            "19.000",
            "Kayu putih asli Buru dalam botol roll on 10 ml.",
        ),
        (
            "kesehatan",
            "Wedang Uwuh Celup",
            "box",
            "35rb",
            "Isi 10 kantong rempah: jahe, secang, cengkih, kayu manis.",
        ),
        (
            "kesehatan",
            "Koyo Jahe Hangat",
            "pack",
            "15.000",
            "Isi 10 lembar koyo jahe untuk pegal dan masuk angin.",
        ),
    ],
    [  # "Warung {n}": snacks and staples
        (
            "makanan",
            "Sambal Cumi Asin",
            "botol",
            "35000",
            "Sambal cumi asin pedas level 3, botol 200 ml.",
        ),
        ("makanan", "Dodol Betawi", "pack", "40rb", "Dodol ketan hitam khas Betawi, diaduk 8 jam."),
        ("makanan", "Bakso Sapi Beku", "pack", "55rb", "Isi 25 butir bakso sapi tanpa pengawet."),
        (
            "makanan",
            "Kerupuk Kulit Ikan",
            "pack",
            "18rb",
            "Kerupuk kulit ikan tenggiri, gurih dan renyah. 100 gram.",
        ),
        (
            "makanan",
            "Bawang Goreng Brebes",
            "pack",
            "32.000",
            "Bawang merah Brebes goreng tanpa tepung, 250 gram.",
        ),
    ],
    [  # "Rumah Batik {n}": batik and textiles
        (
            "fesyen",
            "Batik Cap Motif Anggrek",
            "pcs",
            "275.000",
            "Kain batik cap motif anggrek Tangsel, 2 × 1,15 m.",
        ),
        (
            "fesyen",
            "Kemeja Batik Tulis Pria",
            "pcs",
            "1,2 jt",
            "Batik tulis pewarna alam, ukuran M–XL, dijahit rapi.",
        ),
        (
            "fesyen",
            "Selendang Batik Sutra",
            "pcs",
            "450rb",
            "Selendang sutra batik tulis, 180 × 50 cm.",
        ),
        (
            "fesyen",
            "Masker Kain Batik",
            "pack",
            "25.000",
            "Isi 3 masker kain batik tiga lapis, bisa dicuci.",
        ),
        (
            "fesyen",
            "Dompet Batik Resleting",
            "pcs",
            "45rb",
            "Dompet kain batik berlapis, resleting YKK, 20 × 10 cm.",
        ),
    ],
    [  # "Kebun {n}": plants and produce
        (
            "pertanian",
            "Bibit Cabai Rawit",
            "pack",
            "10rb",
            "Isi 10 bibit siap tanam, umur 3 minggu.",
        ),
        (
            "pertanian",
            "Pupuk Kompos Organik",
            "kg",
            "8.000",
            "Kompos matang dari sampah dapur dan daun.",
        ),
        (
            "pertanian",
            "Tanaman Hias Monstera",
            "pcs",
            "",
            "Monstera adansonii dalam pot 15 cm. Harga tergantung ukuran, hubungi penjual.",
        ),
        (
            "pertanian",
            "Madu Klanceng",
            "botol",
            "95.000",
            "Madu lebah tanpa sengat dari kebun sendiri, 250 ml.",
        ),
        (
            "pertanian",
            "Sayur Hidroponik Campur",
            "pack",
            "20rb",
            "Selada, pakcoy dan kangkung hidroponik, panen pagi. 500 gram.",
        ),
    ],
    [  # "Salon & Spa {n}": beauty
        (
            "kecantikan",
            "Sabun Sereh Wangi",
            "pcs",
            "18.000",
            "Sabun batang alami dengan minyak sereh, 100 gram.",
        ),
        ("kecantikan", "Lulur Bengkoang", "pack", "35rb", "Lulur bengkoang dan beras, 200 gram."),
        (
            "kecantikan",
            "Masker Wajah Kopi",
            "pack",
            "27.500",
            "Masker bubuk kopi robusta dan madu, 5 kali pakai.",
        ),
        (
            "jasa",
            "Paket Rias Wisuda",
            "jasa",
            "350rb",
            "Rias wajah dan sanggul untuk wisuda, datang ke rumah.",
        ),
        (
            "kecantikan",
            "Minyak Rambut Kemiri",
            "botol",
            "25rb",
            "Minyak kemiri bakar untuk rambut, 100 ml.",
        ),
    ],
    [  # "Jahit {n}": tailoring
        (
            "jasa",
            "Jasa Jahit Permak",
            "jasa",
            "",
            "Permak celana, kecilkan baju, pasang resleting. Hubungi untuk harga.",
        ),
        (
            "fesyen",
            "Kerudung Segi Empat Voal",
            "pcs",
            "65.000",
            "Voal premium, tidak menerawang, jahit tepi rapi.",
        ),
        (
            "fesyen",
            "Tas Anyaman Pandan",
            "pcs",
            "150rb",
            "Tas jinjing anyaman pandan dengan lapisan kain.",
        ),
        (
            "fesyen",
            "Seragam Kerja Custom",
            "pcs",
            "",
            "Kemeja seragam dengan bordir logo, minimal 12 potong. Harga sesuai bahan.",
        ),
        (
            "fesyen",
            "Mukena Katun Jepang",
            "set",
            "235.000",
            "Mukena katun Jepang adem, lengkap dengan tas.",
        ),
    ],
    [  # "Kopi {n}": coffee roaster
        (
            "minuman",
            "Kopi Robusta Bubuk",
            "pack",
            "45.000",
            "Robusta petik merah, sangrai medium. 200 gram.",
        ),
        (
            "minuman",
            "Kopi Arabika Biji Sangrai",
            "pack",
            "95rb",
            "Arabika Java Preanger, sangrai terang, biji utuh 250 gram.",
        ),
        (
            "minuman",
            "Kopi Tubruk Sachet",
            "box",
            "30.000",
            "Isi 10 sachet kopi tubruk dengan gula aren.",
        ),
        (
            "jasa",
            "Katering Nasi Kotak",
            "porsi",
            "35rb",
            "Nasi kotak ayam bakar dan es kopi, minimal 20 porsi.",
        ),
        (
            "minuman",
            "Cold Brew Literan",
            "botol",
            "120.000",
            "Kopi seduh dingin 1 liter, simpan di kulkas sampai 7 hari.",
        ),
    ],
]

#: every product once, in shelf order (what the loader makes pictures for)
PRODUCTS = [product for shelf in SHELVES for product in shelf]


def products_for(kind: int, rank: int, edition: int, count: int) -> list[tuple]:
    """``count`` products for the ``rank``-th business (0, 1, 2) of shelf ``kind`` in the
    round numbered ``edition``: the businesses of one shelf split it (two products each, the
    third business one), and each round starts at a different product of a business's share,
    so a seller shows a varied pair over the rounds and no product has two sellers."""
    shelf = SHELVES[kind % len(SHELVES)]
    share = [shelf[i] for i in range(len(shelf)) if i // 2 == rank] or [shelf[-1]]
    if rank == 0 and count > len(share):  # the first business also has the shelf's last one
        share = share + [shelf[-1]]
    start = edition % len(share)
    return [share[(start + i) % len(share)] for i in range(min(count, len(share)))]
