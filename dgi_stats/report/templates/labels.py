"""Every short text of the annual report in English and Vietnamese: headers, notes, figures, sentences.

Table headers and column notes, phrases, figure titles, labels and text alternatives, the values
shown in tables and the sentences of the statements, each an (English, Vietnamese) pair read with
:func:`pick`. Methodology terms follow the glossary of the documentation (docs/glossary.md): change
a term there and here together. Unit names are Vietnamese in both languages. The narration of the
sections is in :mod:`dgi_stats.report.templates.narration`.

The pairs keep the two languages of a text on one line, so that neither can be changed without the
other; the module is one data table and is not split by language.
"""

from __future__ import annotations

__all__ = [
    "DESIGN_VI",
    "DIMENSION_SHORT_VI",
    "FIGURE_ALT",
    "FIGURE_TITLES",
    "FIGURE_VI",
    "HEADERS",
    "LANGS",
    "NOTES",
    "PHRASES",
    "PUBLISHED_MEASURES",
    "SCENARIO_EN",
    "SCENARIO_VI",
    "STATEMENTS",
    "VALUES_EN",
    "VALUES_VI",
    "check_lang",
    "pick",
]

#: The report languages.
LANGS = ("en", "vi")

# Column name -> (English header, Vietnamese header).
HEADERS: dict[str, tuple[str, str]] = {
    "unit": ("Unit", "Đơn vị"),
    "design": ("Design", "Thiết kế"),
    "score_change_point": ("Score change", "Thay đổi điểm"),
    "package": ("Package", "Gói phần mềm"),
    "version": ("Version", "Phiên bản"),
    "role": ("Input", "Đầu vào"),
    "file": ("File", "Tệp"),
    "bytes": ("Size (bytes)", "Dung lượng (byte)"),
    "sha256": ("SHA-256 checksum", "Mã kiểm tra SHA-256"),
    "year": ("Year", "Năm"),
    "measure": ("Measure", "Chỉ số"),
    "value": ("Value", "Giá trị"),
    "rank": ("Rank", "Thứ hạng"),
    "source": ("Source", "Nguồn"),
    "note": ("Note", "Ghi chú"),
    "check": ("Check", "Phép kiểm tra"),
    "computed": ("Computed", "Giá trị tính lại"),
    "published": ("Published", "Giá trị công bố"),
    "agrees": ("Agrees", "Khớp"),
    "respondents": ("Respondents", "Số người trả lời"),
    "communes": ("Communes (PSUs)", "Số xã (đơn vị mẫu cấp 1)"),
    "villages": ("Villages", "Số thôn"),
    "adults": ("Adults (population)", "Số người trưởng thành (tổng thể)"),
    "weight_sum_before": ("Weight total, before raking", "Tổng trọng số, trước raking"),
    "weight_sum_after": ("Weight total, after raking", "Tổng trọng số, sau raking"),
    "effective_n_before": ("Effective sample size, before raking", "Cỡ mẫu hiệu dụng, trước raking"),
    "effective_n_after": ("Effective sample size, after raking", "Cỡ mẫu hiệu dụng, sau raking"),
    "weighting_deff_after": ("Weighting design effect", "Hiệu ứng thiết kế do gia quyền"),
    "female_sample": ("Women %, sample", "Nữ %, mẫu"),
    "female_before": ("Women %, weighted before raking", "Nữ %, gia quyền trước raking"),
    "female_after": ("Women %, weighted after raking", "Nữ %, gia quyền sau raking"),
    "female_population": ("Women %, population", "Nữ %, tổng thể"),
    "kinh_sample": ("Kinh %, sample", "Kinh %, mẫu"),
    "kinh_before": ("Kinh %, weighted before raking", "Kinh %, gia quyền trước raking"),
    "kinh_after": ("Kinh %, weighted after raking", "Kinh %, gia quyền sau raking"),
    "kinh_population": ("Kinh %, population", "Kinh %, tổng thể"),
    "indicator": ("Indicator", "Chỉ tiêu"),
    "item": ("Question", "Câu hỏi"),
    "dont_know": ("Don't know", "Không biết"),
    "refused": ("Refused", "Từ chối"),
    "blank": ("Blank", "Bỏ trống"),
    "not_applicable": ("Not applicable", "Không áp dụng"),
    "answered": ("Answered", "Đã trả lời"),
    "missing_pct": ("Missing %", "Thiếu %"),
    "estimate": ("Estimate", "Ước lượng"),
    "ci_low": ("CI lower bound", "Cận dưới khoảng tin cậy"),
    "ci_high": ("CI upper bound", "Cận trên khoảng tin cậy"),
    "true_total": ("True total", "Tổng điểm thực"),
    "covered": ("Interval covers the truth", "Khoảng tin cậy chứa giá trị thực"),
    "total": ("Total (0–80)", "Tổng điểm (0–80)"),
    "composite": ("Composite (%)", "Chỉ số tổng hợp (%)"),
    "std_error": ("Standard error", "Sai số chuẩn"),
    "marginal_set": ("Marginal rank set", "Tập tin cậy riêng lẻ của thứ hạng"),
    "simultaneous_set": ("Simultaneous rank set", "Tập tin cậy đồng thời của thứ hạng"),
    "p_top_1": ("P(rank 1)", "P(thứ hạng 1)"),
    "p_top_3": ("P(top 3)", "P(trong 3 hạng đầu)"),
    "band": ("Performance band", "Nhóm hiệu quả"),
    "lower": ("Best rank not excluded", "Thứ hạng tốt nhất không bị loại trừ"),
    "in_set": ("Could be 1st", "Có thể đứng thứ 1"),
    "score_before": ("Total, year before", "Tổng điểm, năm trước"),
    "score_after": ("Total, this year", "Tổng điểm, năm nay"),
    "score_change": ("Score change [CI]", "Thay đổi điểm [khoảng tin cậy]"),
    "score_change_pvalue": ("p-value of the score change", "Giá trị p của thay đổi điểm"),
    "score_change_pvalue_holm": ("p-value, Holm-adjusted", "Giá trị p, hiệu chỉnh Holm"),
    "rank_before": ("Rank, year before", "Thứ hạng, năm trước"),
    "rank_after": ("Rank, this year", "Thứ hạng, năm nay"),
    "places_gained": ("Places gained", "Số bậc tăng"),
    "places_gained_bounds": ("Places gained, confidence bounds", "Số bậc tăng, cận tin cậy"),
    "pvalue": ("p-value, rank improved", "Giá trị p, thứ hạng được cải thiện"),
    "verdict": ("Rank change established", "Thay đổi thứ hạng được khẳng định"),
    "nominal": ("Rank, equal weights", "Thứ hạng, trọng số bằng nhau"),
    "mean": ("Mean rank", "Thứ hạng trung bình"),
    "median": ("Median rank", "Thứ hạng trung vị"),
    "band_5_95": ("5–95 % band", "Dải 5–95 %"),
    "nominal_score": ("Composite score, equal weights", "Điểm tổng hợp, trọng số bằng nhau"),
    "sample_size_factor": ("Sample size (× this year's)", "Cỡ mẫu (× năm nay)"),
    "respondents_per_unit": ("Respondents per unit", "Số người trả lời mỗi đơn vị"),
    "df_per_unit_median": ("Degrees of freedom per unit (median)",
                           "Bậc tự do mỗi đơn vị (trung vị)"),
    "detectable_change_median_unit": ("Detectable change, median unit",
                                      "Thay đổi phát hiện được, đơn vị trung vị"),
    "detectable_change_least_precise_unit": ("Detectable change, least precise unit",
                                             "Thay đổi phát hiện được, đơn vị kém chính xác nhất"),
    "df_after": ("Degrees of freedom", "Bậc tự do"),
    "se_after": ("Standard error", "Sai số chuẩn"),
    "power": ("Power (rise established)", "Lực kiểm định (khẳng định được tăng hạng)"),
    "power_se": ("Monte Carlo SE of the power", "Sai số chuẩn Monte Carlo của lực kiểm định"),
    "power_rank": ("Power, rank bound only", "Lực kiểm định, chỉ cận thứ hạng"),
    "power_score": ("Power, score change only", "Lực kiểm định, chỉ thay đổi điểm"),
    "total_ci": ("Total [CI]", "Tổng điểm [khoảng tin cậy]"),
    "rank_set_marginal": ("Marginal rank set", "Tập tin cậy riêng lẻ của thứ hạng"),
    "rank_set_simultaneous": ("Simultaneous rank set", "Tập tin cậy đồng thời của thứ hạng"),
    "p_rank_1": ("P(rank 1)", "P(thứ hạng 1)"),
    "robust_rank_5_95": ("Rank band 5–95 % (robustness)", "Dải thứ hạng 5–95 % (độ vững)"),
}

# Column name -> (English, Vietnamese) explanation, printed under the table that shows it.
NOTES: dict[str, tuple[str, str]] = {
    "sha256": ("a fingerprint of the file: the same file always gives the same checksum.",
               "dấu vân tay của tệp: cùng một tệp luôn cho cùng một mã."),
    "agrees": ("the computed value, rounded as published, equals the published value.",
               "giá trị tính lại, làm tròn như khi công bố, bằng giá trị công bố."),
    "communes": (("primary sampling units; their number minus the number of strata gives the unit's "
                 "design degrees of freedom."),
                 "đơn vị mẫu cấp 1; số xã trừ số tầng là bậc tự do của thiết kế của đơn vị."),
    "weight_sum_after": ("after raking it equals the unit's adult population.",
                         "sau raking, tổng trọng số bằng dân số trưởng thành của đơn vị."),
    "effective_n_after": (("Kish's effective sample size: the number of respondents that equal "
                          "weights would need for the same precision."),
                          ("cỡ mẫu hiệu dụng của Kish: số người trả lời cần có với trọng số bằng "
                          "nhau để đạt cùng độ chính xác.")),
    "weighting_deff_after": (("the variance inflation due to unequal weights (1 + squared "
                             "coefficient of variation of the weights)."),
                             ("mức tăng phương sai do trọng số không đều (1 + bình phương hệ số "
                             "biến thiên của trọng số).")),
    "missing_pct": ("don't know + refused + blank, in % of the respondents asked.",
                    "không biết + từ chối + bỏ trống, theo % số người được hỏi."),
    "covered": ("whether the confidence interval contains the true population total.",
                "khoảng tin cậy có chứa tổng điểm thực của tổng thể hay không."),
    "std_error": ("standard error of the estimated total (design-based).",
                  "sai số chuẩn của tổng điểm ước lượng (theo thiết kế mẫu)."),
    "marginal_set": ("ranks not excluded for this unit alone, at the confidence level.",
                     "các thứ hạng không bị loại trừ cho riêng đơn vị này, ở mức tin cậy đã chọn."),
    "simultaneous_set": ("ranks not excluded when all units are read together.",
                         "các thứ hạng không bị loại trừ khi đọc tất cả các đơn vị cùng lúc."),
    "p_top_1": ("share of draws of the estimates in which the unit ranks 1st (descriptive, not a test).",
                "tỷ lệ các lần rút ước lượng mà đơn vị đứng thứ 1 (mô tả, không phải kiểm định)."),
    "p_top_3": ("share of draws in which the unit ranks in the top 3.",
                "tỷ lệ các lần rút mà đơn vị nằm trong 3 hạng đầu."),
    "band": (("units of a band are better than every unit of the bands below it (jointly, at the "
             "confidence level); no order is claimed within a band."),
             ("các đơn vị của một nhóm tốt hơn mọi đơn vị của các nhóm bên dưới (đồng thời, ở mức "
             "tin cậy đã chọn); trong một nhóm không khẳng định thứ tự.")),
    "in_set": ("the data cannot exclude that the unit is the best (rank 1).",
               "dữ liệu không loại trừ được khả năng đơn vị là tốt nhất (thứ hạng 1)."),
    "score_change": ("change of the total between the two years, with its confidence interval.",
                     "thay đổi tổng điểm giữa hai năm, kèm khoảng tin cậy."),
    "score_change_pvalue": ("tests that the total did not change.",
                            "kiểm định giả thuyết tổng điểm không thay đổi."),
    "score_change_pvalue_holm": ("the same p-value adjusted for testing 13 units (Holm).",
                                 "cùng giá trị p, hiệu chỉnh cho việc kiểm định 13 đơn vị (Holm)."),
    "places_gained_bounds": (("simultaneous confidence bounds on places gained: a rise is established "
                             "when the lower bound is at least 1, a fall when the upper bound is at "
                             "most −1."),
                             ("cận tin cậy đồng thời của số bậc tăng: khẳng định tăng hạng khi cận "
                             "dưới ít nhất là 1, giảm hạng khi cận trên nhiều nhất là −1.")),
    "pvalue": (("tests the hypothesis that the unit's rank did not improve (one-sided); small values "
               "support a rise."),
               ("kiểm định giả thuyết thứ hạng của đơn vị không được cải thiện (một phía); giá trị nhỏ "
               "ủng hộ việc tăng hạng.")),
    "band_5_95": ("5th to 95th percentile of the rank over the runs: descriptive, not a confidence set.",
                  ("phân vị thứ 5 đến thứ 95 của thứ hạng qua các lần chạy: mô tả, không phải tập "
                  "tin cậy.")),
    "detectable_change_median_unit": (("smallest true change of the total that a test detects with "
                                      "80 % power."),
                                      ("thay đổi thực nhỏ nhất của tổng điểm mà kiểm định phát hiện "
                                      "được với lực kiểm định 80 %.")),
    "power": ("share of simulated pairs of surveys in which the rise is established.",
              "tỷ lệ các cặp khảo sát mô phỏng mà việc tăng hạng được khẳng định."),
    "robust_rank_5_95": ("from the uncertainty analysis of section 6.",
                         "từ phân tích độ bất định ở mục 6."),
}

# Short texts: key -> (English, Vietnamese).
PHRASES: dict[str, tuple[str, str]] = {
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "not_used": ("not used", "không dùng"),
    "missing": ("–", "–"),
    "notes": ("Columns", "Giải thích các cột"),
    "banner_synthetic": (
        ("SYNTHETIC DATA: this {what} was simulated by dgi_stats, so that its true scores reproduce "
        "the published DGI figures (every other true score is invented). It is not the DGI's "
        "microdata, which are not public. The estimates illustrate the methods and must not be "
        "cited as DGI results; only the published figures of section 1 are real."),
        ("DỮ LIỆU MÔ PHỎNG (TỔNG HỢP, SYNTHETIC): {what} này do dgi_stats mô phỏng, sao cho điểm thực "
        "tái tạo các số liệu DGI đã công bố (mọi điểm thực khác là giả định). Đây không phải vi dữ "
        "liệu của DGI, vốn không được công khai. Các ước lượng chỉ minh họa phương pháp và không được "
        "trích dẫn như kết quả DGI; chỉ các số liệu đã công bố ở mục 1 là thật."),
    ),
    "banner_file": ("Data: the {what} file given as data_path (see the provenance table).",
                    "Dữ liệu: tệp {what} được cho bởi data_path (xem bảng nguồn gốc dữ liệu)."),
    "survey": ("survey", "cuộc khảo sát"),
    "synthetic_title": ("SYNTHETIC data: illustration, not DGI results",
                        "Dữ liệu mô phỏng (TỔNG HỢP): minh họa, không phải kết quả DGI"),
    "analysis": (
        "**Survey analysed:** {year}, {data}; {n} respondents in {units} units; weights {raked}.",
        ("**Khảo sát được phân tích:** năm {year}, {data}; {n} người trả lời ở {units} đơn vị; "
        "trọng số {raked}."),
    ),
    "analysis_synthetic": ("the bundled SYNTHETIC survey", "dữ liệu mô phỏng (TỔNG HỢP) đi kèm"),
    "analysis_file": ("the survey file", "tệp khảo sát"),
    "raked": ("raked to the population margins", "đã điều chỉnh theo biên (raking) về tổng thể"),
    "not_raked": ("as given in the file (no raking)", "giữ nguyên như trong tệp (không raking)"),
    "sensitivity_note": (
        "Sobol indices are Monte Carlo estimates; the bars show their {level:.0%} bootstrap intervals.",
        ("Các chỉ số Sobol là ước lượng Monte Carlo; các vạch cho khoảng bootstrap {level:.0%} của "
        "chúng."),
    ),
}

# Figure titles: key -> (English, Vietnamese); fields {year}, {prev}, {level}.
FIGURE_TITLES: dict[str, tuple[str, str]] = {
    "total_scores": ("DGI {year}: total score with {level:.0%} CI",
                     "DGI {year}: tổng điểm với khoảng tin cậy {level:.0%}"),
    "dimension_heatmap": ("DGI {year}: dimension scores", "DGI {year}: điểm các lĩnh vực"),
    "dimension_profile": ("DGI {year}: dimension profiles with {level:.0%} CIs",
                          "DGI {year}: hồ sơ các lĩnh vực với khoảng tin cậy {level:.0%}"),
    "rank_sets": ("DGI {year}: {level:.0%} confidence sets for ranks",
                  "DGI {year}: tập tin cậy {level:.0%} của thứ hạng"),
    "rank_change": ("DGI ranks {prev} → {year}: significant changes solid",
                    "Thứ hạng DGI {prev} → {year}: thay đổi có ý nghĩa vẽ nét liền"),
    "uncertainty_bands": ("DGI {year}: rank bands over weights, aggregation, sampling",
                          "DGI {year}: dải thứ hạng theo trọng số, cách tổng hợp, chọn mẫu"),
    "sensitivity": ("Sobol indices of the mean absolute rank shift",
                    "Chỉ số Sobol của mức dịch chuyển thứ hạng tuyệt đối trung bình"),
}

# Text alternatives of the figures: name -> (English, Vietnamese).
FIGURE_ALT: dict[str, tuple[str, str]] = {
    "total_scores": ("Dot plot of each unit's estimated total score with its confidence interval.",
                     "Biểu đồ điểm: tổng điểm ước lượng của từng đơn vị kèm khoảng tin cậy."),
    "dimension_heatmap": ("Heat map of the 8 dimension scores of every unit.",
                          "Bản đồ nhiệt điểm 8 lĩnh vực của từng đơn vị."),
    "dimension_profile": (("Dimension profiles of the units looked at closely, with confidence "
                          "intervals."),
                          "Hồ sơ các lĩnh vực của các đơn vị được xem xét kỹ, kèm khoảng tin cậy."),
    "rank_sets": ("Each unit's observed rank with its marginal and simultaneous rank confidence sets.",
                  ("Thứ hạng quan sát của từng đơn vị với tập tin cậy riêng lẻ và đồng thời của thứ "
                  "hạng.")),
    "rank_change": ("Ranks of the two years joined by lines; significant changes drawn solid.",
                    "Thứ hạng của hai năm nối bằng đường; thay đổi có ý nghĩa vẽ nét liền."),
    "uncertainty_bands": (("Each unit's nominal and median rank with its 5–95 % band over the "
                          "Monte Carlo runs."),
                          ("Thứ hạng danh nghĩa và trung vị của từng đơn vị với dải 5–95 % qua các "
                          "lần chạy Monte Carlo.")),
    "sensitivity": (("Bar chart of the first-order and total-order Sobol indices of each factor, "
                    "with Monte Carlo intervals."),
                    ("Biểu đồ cột các chỉ số Sobol bậc một và toàn phần của từng yếu tố, kèm khoảng "
                    "Monte Carlo.")),
}

# Texts drawn inside figures (labels, legends, factor names): English -> Vietnamese.
FIGURE_VI: dict[str, str] = {
    "rank (1 = highest score)": "thứ hạng (1 = điểm cao nhất)",
    "observed rank": "thứ hạng quan sát",
    "marginal set": "tập riêng lẻ",
    "simultaneous set": "tập đồng thời",
    "confidence interval": "khoảng tin cậy",
    "estimate": "ước lượng",
    "total": "tổng điểm",
    "composite": "chỉ số tổng hợp",
    "significant change": "thay đổi có ý nghĩa",
    "not significant": "không có ý nghĩa",
    "5–95 % band": "dải 5–95 %",
    "nominal rank": "thứ hạng danh nghĩa",
    "median rank": "thứ hạng trung vị",
    "rank": "thứ hạng",
    "score": "điểm",
    "score (0–10)": "điểm (0–10)",
    "first order $S_i$": "bậc một $S_i$",
    "interactions $S_{Ti} - S_i$": "tương tác $S_{Ti} - S_i$",
    "total order $S_{Ti}$": "toàn phần $S_{Ti}$",
    "Sobol index": "chỉ số Sobol",
    "sampling": "chọn mẫu",
    "weights": "trọng số",
    "aggregation": "cách tổng hợp",
    "dimension": "lĩnh vực",
    "unit": "đơn vị",
    "Monte Carlo interval of $S_i$": "khoảng Monte Carlo của $S_i$",
    "Monte Carlo interval of $S_{Ti}$": "khoảng Monte Carlo của $S_{Ti}$",
    "Note: S_i > S_Ti for: ": "Ghi chú: S_i > S_Ti với: ",
    "Monte Carlo error: see the intervals (a larger n_base narrows them).": (
        "Sai số Monte Carlo: xem các khoảng (n_base lớn hơn làm chúng hẹp lại)."
    ),
    "Monte Carlo error: a larger n_base or bootstrap intervals show it.": (
        "Sai số Monte Carlo: n_base lớn hơn hoặc khoảng bootstrap cho thấy điều đó."
    ),
}

# Scenario parts (scheme / aggregation): English -> Vietnamese.
SCENARIO_EN: dict[str, str] = {"bod": "each unit's most favourable weights"}
SCENARIO_VI: dict[str, str] = {
    "bod": "trọng số có lợi nhất cho từng đơn vị",
    "equal": "trọng số bằng nhau",
    "factor analysis": "phân tích nhân tố",
    "benefit of the doubt": "lợi ích của nghi ngờ",
    "arithmetic": "trung bình cộng",
    "geometric": "trung bình nhân",
}

# Published measures: name -> (English, Vietnamese).
PUBLISHED_MEASURES: dict[str, tuple[str, str]] = {
    "rank": ("rank", "thứ hạng"),
    "rank_change": ("rank change (places gained)", "thay đổi thứ hạng (số bậc tăng)"),
    "total": ("total score", "tổng điểm"),
    "composite": ("composite index (%)", "chỉ số tổng hợp (%)"),
    "mean_total": ("mean total of the units", "tổng điểm trung bình của các đơn vị"),
    "mean_composite": ("mean composite of the units (%)",
                       "chỉ số tổng hợp trung bình của các đơn vị (%)"),
    "mean_total_change": ("change of the mean total", "thay đổi của tổng điểm trung bình"),
    "dimensions_above_mean": ("dimensions above the provincial mean",
                              "số lĩnh vực cao hơn mức trung bình của tỉnh"),
}

# Short dimension labels of the figures ("D1" ... "D8"): number -> Vietnamese.
DIMENSION_SHORT_VI: dict[str, str] = {
    "1": "Tham gia",
    "2": "Công khai,\nminh bạch",
    "3": "Trách nhiệm\ngiải trình",
    "4": "Kiểm soát\ntham nhũng",
    "5": "Thủ tục\nhành chính",
    "6": "Dịch vụ\ncông",
    "7": "Môi trường",
    "8": "Quản trị\nđiện tử",
}

# Provenance roles in English.
VALUES_EN: dict[str, str] = {
    "previous_survey": "survey of the year before",
    "previous_margins": "margins of the year before",
}

# Provenance roles and other cell values: English -> Vietnamese.
VALUES_VI: dict[str, str] = {
    "survey": "khảo sát",
    "margins": "biên tổng thể",
    "previous_survey": "khảo sát năm trước",
    "previous_margins": "biên tổng thể năm trước",
    "not used": "không dùng",
    # notes of the bundled published figures
    "% (68.93 / 80 x 100 = 86.1625, printed 86.16)": "% (68,93 / 80 x 100 = 86,1625, in là 86,16)",
    "1st of 13": "thứ 1/13",
    "NOT FOUND: the unit ranked 1st in 2022 (results announced 19/5/2023) was not found in public "
    "sources; unit and value left empty": (
        "KHÔNG TÌM THẤY: đơn vị xếp thứ 1 năm 2022 (kết quả công bố ngày 19/5/2023) không tìm thấy "
        "trong các nguồn công khai; đơn vị và giá trị để trống"
    ),
    "all 8 dimensions above the provincial average rate of satisfaction": (
        "cả 8 lĩnh vực cao hơn tỷ lệ hài lòng trung bình của tỉnh"
    ),
    "change of the 13-unit mean total on 2020, points": (
        "thay đổi tổng điểm trung bình của 13 đơn vị so với năm 2020, điểm"
    ),
    "chỉ số tổng hợp, % (total / 80 x 100)": "chỉ số tổng hợp, % (tổng điểm / 80 x 100)",
    "dimension score out of 10": "điểm lĩnh vực, tối đa 10",
    "implied by 'up 5 ranks' to 1st in 2021; not stated directly": (
        "suy ra từ 'tăng 5 bậc' lên thứ 1 năm 2021; không được nêu trực tiếp"
    ),
    "mean composite of the 13 units, % (72.7 / 80 x 100 = 90.875, printed 90.9)": (
        "chỉ số tổng hợp trung bình của 13 đơn vị, % (72,7 / 80 x 100 = 90,875, in là 90,9)"
    ),
    "mean total of the 13 units, out of 80": "tổng điểm trung bình của 13 đơn vị, tối đa 80",
    "out of 80": "tối đa 80",
    "up 5 ranks from 2020 (positive = moved up)": "tăng 5 bậc so với năm 2020 (dương = tăng hạng)",
    "điểm xã hội học: sum of the 8 dimension scores, out of 80": (
        "điểm xã hội học: tổng điểm 8 lĩnh vực, tối đa 80"
    ),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a report language.

    Parameters
    ----------
    lang : str
        "en" or "vi".

    Returns
    -------
    str
        ``lang``.

    Raises
    ------
    ValueError
        For any other language.

    Examples
    --------
    >>> check_lang("vi")
    'vi'
    """
    if lang not in LANGS:
        msg = f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}."
        raise ValueError(msg)
    return lang


def pick(pair: tuple[str, str], lang: str) -> str:
    """The text of ``lang`` from an (English, Vietnamese) pair.

    Parameters
    ----------
    pair : tuple of str
        (English, Vietnamese).
    lang : {"en", "vi"}
        The language.

    Returns
    -------
    str

    Examples
    --------
    >>> pick(HEADERS["unit"], "vi")
    'Đơn vị'
    """
    return pair[LANGS.index(check_lang(lang))]


# Sentences of the statements (report.no_previous_year, rank_change_statement,
# planning_statement): key -> (English, Vietnamese), filled with str.format.
STATEMENTS: dict[str, tuple[str, str]] = {
    "how_previous": (
        ("To compare with {prev}, run `dgi-stats report {year} --data <{year} file> "
        "--previous-data <{prev} file>` (and `--previous-margins <{prev} margins>` for raking), "
        "or set `previous_data_path` (`previous_margins_path`) in the notebook's parameters."),
        ("Để so sánh với năm {prev}, chạy `dgi-stats report {year} --data <tệp {year}> "
        "--previous-data <tệp {prev}>` (và `--previous-margins <biên {prev}>` để raking), "
        "hoặc đặt `previous_data_path` (`previous_margins_path`) trong tham số của notebook."),
    ),
    "no_previous_uong_bi": (
        "**No {prev} survey was given**, so Uông Bí's rise cannot be tested here. ",
        "**Không có khảo sát năm {prev}**, nên không thể kiểm định việc tăng hạng của Uông Bí ở đây. ",
    ),
    "no_previous_planning": (
        ("**No {prev} survey was given**, so the power to establish a rise like Uông Bí's is "
        "not computed for this survey. "),
        ("**Không có khảo sát năm {prev}**, nên lực kiểm định để khẳng định một lần tăng hạng như "
        "của Uông Bí không được tính cho cuộc khảo sát này. "),
    ),
    "no_previous_change": (
        ("**No {prev} survey was given.** This report is computed from the survey file of "
        "{year} alone, so it has no change on {prev}: no score changes, no rank-change "
        "test (bundled SYNTHETIC data are never compared with a survey file). "),
        ("**Không có khảo sát năm {prev}.** Báo cáo này chỉ được tính từ tệp khảo sát năm {year}, "
        "nên không có thay đổi so với năm {prev}: không có thay đổi điểm, không có kiểm định thay "
        "đổi thứ hạng (dữ liệu mô phỏng (TỔNG HỢP) đi kèm không bao giờ được so sánh với một tệp "
        "khảo sát). "),
    ),
    "data_synthetic": ("the bundled SYNTHETIC surveys", "các khảo sát mô phỏng (TỔNG HỢP) đi kèm"),
    "data_files": ("the survey files", "các tệp khảo sát"),
    "published_ranks": (
        "**Published:** {unit} ranked {r0} in {y0} and {r1} in {y1} ({d:+d} places).",
        "**Đã công bố:** {unit} xếp thứ {r0} năm {y0} và thứ {r1} năm {y1} ({d:+d} bậc).",
    ),
    "score_line": (
        ("**Score ({data}):** the total went from {a:.2f} to {b:.2f}, a change of {c:+.2f} points "
        "({level} % CI {lo:+.2f} to {hi:+.2f}; {p})."),
        ("**Điểm ({data}):** tổng điểm đi từ {a:.2f} đến {b:.2f}, thay đổi {c:+.2f} điểm (khoảng "
        "tin cậy {level} %: {lo:+.2f} đến {hi:+.2f}; {p})."),
    ),
    "rise_yes": (
        ("a rise is established: {unit} gained at least {lower} place{s} (one-sided {level} % lower "
        "confidence bound)"),
        ("việc tăng hạng được khẳng định: {unit} tăng ít nhất {lower} bậc (cận tin cậy dưới một "
        "phía {level} %)"),
    ),
    "rise_no": (
        ("a rise in rank **cannot be established** at the {alpha} % level: the one-sided {level} % "
        "lower confidence bound on places gained is {lower} (it must be at least 1)"),
        ("việc tăng hạng **không thể khẳng định được** ở mức {alpha} %: cận tin cậy dưới một phía "
        "{level} % của số bậc tăng là {lower} (cần ít nhất là 1)"),
    ),
    "rank_line": (
        ("**Rank ({data}):** {rb} in {y0} → {ra} in {y1} ({g:+d} places); {verdict}; p-value for "
        "\"the rank improved\": {pv:.3f}."),
        ("**Thứ hạng ({data}):** thứ {rb} năm {y0} → thứ {ra} năm {y1} ({g:+d} bậc); {verdict}; "
        "giá trị p cho \"thứ hạng được cải thiện\": {pv:.3f}."),
    ),
    "plan_main": (
        ("A true rise of {delta:.2f} points, which moves {unit} up {places} places, is established "
        "(rank bound >= 1 and score change significant) in {power:.1%} ± {power_se:.1%} (Monte "
        "Carlo SE) of {n} simulated pairs of surveys with the current design (about {resp:.0f} "
        "respondents per unit, {df:.0f} design df for {unit}). The score rise alone is significant "
        "in {power_score:.1%}. **This design {can} detect a 5-place rise of the published size "
        "with {target:.0%} power.**"),
        ("Một lần tăng thực {delta:.2f} điểm, đưa {unit} lên {places} bậc, được khẳng định (cận "
        "thứ hạng >= 1 và thay đổi điểm có ý nghĩa) trong {power:.1%} ± {power_se:.1%} (sai số "
        "chuẩn Monte Carlo) của {n} cặp khảo sát mô phỏng với thiết kế hiện tại (khoảng {resp:.0f} "
        "người trả lời mỗi đơn vị, {df:.0f} bậc tự do của thiết kế cho {unit}). Riêng việc tăng "
        "điểm có ý nghĩa trong {power_score:.1%}. **Thiết kế này {can} phát hiện một lần tăng 5 "
        "bậc với quy mô đã công bố với lực kiểm định {target:.0%}.**"),
    ),
    "can": ("can", "có thể"),
    "cannot": ("cannot", "không thể"),
    "plan_grid_ok": (
        (" On the documented grid (250 pairs per design), the smallest design that reaches "
        "{target:.0%} is {name}: about {n:,.0f} respondents per unit, power {p:.2f} ± {se:.2f}."),
        (" Trên lưới thiết kế được mô tả (250 cặp mỗi thiết kế), thiết kế nhỏ nhất đạt {target:.0%} "
        "là {name}: khoảng {n:,.0f} người trả lời mỗi đơn vị, lực kiểm định {p:.2f} ± {se:.2f}."),
    ),
    "plan_grid_none": (
        (" No design on the documented grid reaches {target:.0%}; the best is {name} with power "
        "{p:.2f} ± {se:.2f}."),
        (" Không thiết kế nào trên lưới được mô tả đạt {target:.0%}; tốt nhất là {name} với lực "
        "kiểm định {p:.2f} ± {se:.2f}."),
    ),
    "plan_required": (
        " Interpolated respondents per unit for {target:.0%} power (± Monte Carlo SE): {parts}.",
        (" Số người trả lời mỗi đơn vị nội suy cho lực kiểm định {target:.0%} (± sai số chuẩn Monte "
        "Carlo): {parts}."),
    ),
    "plan_part": ("{choice}: about {n:,.0f} ± {se:,.0f}", "{choice}: khoảng {n:,.0f} ± {se:,.0f}"),
    "plan_end": (" (Simulated SYNTHETIC surveys.)", " (Các khảo sát mô phỏng, TỔNG HỢP.)"),
}


# Survey designs named in the planning section: (regular expression, Vietnamese replacement),
# applied in order.
DESIGN_VI: tuple[tuple[str, str], ...] = (
    (r"more adults per village", "nhiều người trưởng thành hơn mỗi thôn"),
    (r"more communes", "nhiều xã hơn"),
    (r"every commune", "mọi xã"),
    (r"(\d+) communes \(all of ([^)]*)'s\)", r"\1 xã (toàn bộ xã của \2)"),
    (r"(\d+) communes", r"\1 xã"),
    (r"(\d+) villages", r"\1 thôn"),
    (r"(\d+) adults per village", r"\1 người trưởng thành mỗi thôn"),
    (r"(\d+) adults", r"\1 người trưởng thành"),
    (r"(\d+) per village", r"\1 người mỗi thôn"),
)
