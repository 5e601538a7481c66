"""The narration of every section of the annual report, in English and Vietnamese.

One Markdown text per section and language (``NARRATION[lang][key]``), shown by
:func:`dgi_stats.report.narrate`; ``{year}`` and ``{prev}`` (the year before) are filled with
:meth:`str.format`. Methodology terms follow the glossary of the documentation (docs/glossary.md):
change a term there and here together. Unit names are Vietnamese in both languages. The headers,
notes, figure texts and sentences of the tables are in :mod:`dgi_stats.report.templates.labels`.

This module holds one data table, the two languages side by side, so that a section cannot be
changed in one language and forgotten in the other; it is not split further.
"""

from __future__ import annotations

__all__ = ["EN_NARRATION", "NARRATION", "VI_NARRATION"]

EN_NARRATION: dict[str, str] = {
    "intro": """
# District Governance Index (DGI) {year}: statistical report

Quảng Ninh's District Governance Index (*Chỉ số hiệu quả quản trị cấp huyện*, DGI) scores the
province's 13 district-level units on 8 dimensions, each out of 10, from a citizen survey; the total
(out of 80) is their sum and the composite index is the total in % of 80. The published results are
ranks ("1st of 13"). With 13 units, each scored from a few hundred respondents in a handful of
communes, and scores crowded near the ceiling, a rank printed without its uncertainty misleads.
This report gives, for {year}:

1. the published figures, with their sources, and the index arithmetic checked;
2. the survey: sample per unit, weights before and after raking, effective sample sizes, item
   nonresponse;
3. every dimension, the total and the composite per unit with confidence intervals;
4. what the ranks can tell: confidence sets for ranks, tiers of units that cannot be told apart,
   the probability of ranking 1st;
5. the change on the year before (score changes and a rank-change test for every unit);
6. how much the ranks depend on the equal weighting of the 8 dimensions (robustness);
7. planning: the change a survey can detect, and the sample per unit needed (communes, which set
   the design's degrees of freedom, and respondents).

Every number below is computed by a `dgi_stats` function: the notebook holds only narration and
calls. Run it with `dgi-stats report {year}` (HTML, `summary.json` and figures in
`reports/{year}/`), or open it in Jupyter and run all cells.

**Data.** Unless `data_path` is set, the survey is the **SYNTHETIC** survey bundled with
dgi_stats: simulated respondents whose true scores reproduce every published DGI figure (the
rest is invented). The DGI's microdata are not public. Every result computed from the
synthetic survey illustrates the method. It is not a DGI result.

### Running this report on the official data

1. Export the survey with one row per respondent and the columns of the bundled survey:
   `district` (unit names; spellings such as "TP Uông Bí" or "uong bi" are recognised),
   `commune_id` (primary sampling unit), `village_id`, `design_weight` (optionally `nr_weight`,
   the nonresponse-adjusted weight, used when present), `sex`, `age_group`, `ethnicity` and the
   questionnaire items `q...` of the year's specification (list them with
   `dgi_stats.datasets.load_spec({year}).item_ids`). CSV (UTF-8), Parquet, SPSS `.sav` and
   Stata `.dta` are read. Check the file with `dgi-stats validate survey.csv --year {year}`.
2. The bundled specification uses the official 8 dimensions with an illustrative questionnaire,
   because the official indicator annex (Quyết định 3447/QĐ-UBND) is not public. To use the
   official definitions, edit the TOML file `dgi_stats/datasets/specs/dgi_{year}.toml` (no code
   changes).
3. For raking, give the population's adult counts by district × sex × age group × ethnicity
   (columns `district`, `sex`, `age_group`, `ethnicity`, `adults`) as `margins_path`. Without it,
   the file's weights are used as they are.
4. Run `dgi-stats report {year} --data survey.csv --margins margins.csv --out reports/{year}-official`
   (the change section also needs the year before: `--previous-data`, `--previous-margins`).
""",
    "published": """
## 1. Published figures for {year}

The DGI publishes ranks and a few scores per year, in the provincial press. These are the
published figures for {year} and {prev} bundled with dgi_stats (`load_published()`), each with its
source; figures not found in public sources are absent (an explicit NOT FOUND row marks a known
gap). The table after it checks the index arithmetic on them: the total is the sum of the 8
dimension scores, and the composite is the total in % of 80.
""",
    "design": """
## 2. Data and design

The survey is analysed as it was drawn: each unit is a stratum whose communes were selected with
probability proportional to size, villages within communes, adults within villages. A commune
selected with certainty (a large commune of a small unit) is not a sample of communes: it is made a
stratum of its own whose villages are the primary sampling units, and the finite population
corrections come from the frame (communes per unit, villages per commune, adults per village), as
R's `survey` package recommends. A survey file without the frame columns is analysed with
communes drawn with replacement, which overstates the standard errors. The weights are the inverse
inclusion probabilities adjusted for unit nonresponse. Women and older adults answer more often than others,
so the weights are then **raked** to the population's adult counts by unit × sex × age group and by
unit × ethnicity. Variances are by Taylor linearisation, with the raking taken into account (as in
R's `survey` package), unless `variance` says otherwise.

**What the confidence levels rest on.** Every confidence level and error rate in this report is
approximate. It holds when the declared design is the one the sample was drawn with (strata,
communes as primary sampling units, communes taken with certainty, sampling fractions) and when
the weights capture nonresponse. Intervals and rank sets then use critical values from each unit's
design degrees of freedom (the number of primary sampling units minus the number of strata), not
normal ones; their coverage has been checked by simulation at 2, 5 and 10 degrees of freedom.
Whether a unit's sample is adequate depends on its number of communes, which sets its degrees of
freedom, not on its number of respondents; with 1 degree of freedom no error rate can be relied on.
""",
    "sample": """
**Sample per unit.** Respondents, communes and villages. The weight totals before and after
raking: after raking they equal the unit's adult population. Kish's effective sample size, which
is smaller than the number of respondents because of unequal weights. The weighting design effect.
The number of communes matters most: it sets the unit's design degrees of freedom, which limit how
well its standard error is known, whatever the number of respondents.
""",
    "raking": """
**What raking does.** The share of women and of the Kinh majority (%) in the sample, weighted before
raking, weighted after raking, and in the population. After raking, the weighted shares equal the
population's.
""",
    "nonresponse": """
**Item nonresponse.** Answers of "don't know", refusals and blanks are counted, never silently
dropped. Each indicator's mean is taken over the respondents who answered it. The indicators with
the most missing answers:
""",
    "results": """
## 3. Results: scores with confidence intervals

Every dimension (0–10), the total (0–80) and the composite (%) per unit. Each is given as the
estimate with its confidence interval (`confidence_level`). Intervals use t quantiles with each
estimate's effective degrees of freedom (Satterthwaite's, across the strata of the unit: below
the number of communes minus one when one stratum carries most of the variance), and are
computed on the logit of the score's position in its scale and mapped back, so that they stay
inside 0–10, 0–80 and 0–100 (near the ceiling they are asymmetric).
""",
    "truth": """
**Synthetic data only: the truth is known.** The simulator knows every unit's true population
total, so we can check the intervals against it. With real data this table cannot exist.
""",
    "ranks": """
## 4. Ranks and their uncertainty

A rank is a statement about all 13 units at once, so its uncertainty depends on every unit's
sampling error. The **confidence set** of a unit's rank is the range of ranks that the data cannot
rule out (Mogstad, Romano, Shaikh & Wilhelm, 2024, *Review of Economic Studies*).

- A **marginal** set covers that unit's true rank with probability at least `confidence_level`.
  Use it when you look at one unit that you chose in advance.
- **Simultaneous** sets cover all the true ranks at once. Use them when you read the whole league
  table.

Both levels are approximate, under the conditions stated in section 2.

**Performance bands** group the units that the data can order. With joint confidence
`confidence_level`, every unit of a band is better than every unit of the bands below it. Within a
band no order is claimed. This is the grounded alternative to colour bands cut at quartiles of the
point estimates.

The probability of ranking 1st (or in the top 3) is computed from draws of the estimates. It
describes the uncertainty and is not a test.
""",
    "best": """
**Which units could be the best?** This is the set of units that the data cannot exclude from
rank 1, with `confidence_level` confidence (τ-best with τ = 1).
""",
    "change": """
## 5. Change on {prev}

The {prev} survey goes through the same pipeline as the {year} survey. The two years are
independent samples, so the covariance of a change is the sum of the two years' covariances.
With the bundled survey, the {prev} survey is the bundled one; with a survey file (`data_path`),
it is the {prev} survey file given as `previous_data_path` (`--previous-data`). Without it this
section says so and computes nothing: a survey file is never compared with bundled SYNTHETIC data.

For every unit the test reports:

- the score change with its confidence interval, and its p-value (Holm-adjusted across the 13
  units);
- the ranks in the two years;
- a lower and an upper confidence bound on the number of places gained. Together they form an
  interval at `confidence_level`, simultaneous for all units, so they stay valid for "movers" that
  are picked after looking at the table: the probability of any false "rose" or "fell" claim in the
  whole table is at most 1 − `confidence_level` (approximately, under the conditions of section 2).
  A rise is established only when the lower bound is at least 1, and a fall only when the upper
  bound is at most −1.
""",
    "uong_bi": """
### Is Uông Bí's published rise from 6th to 1st real?

The published claim is about one unit that was **named in advance**, so the test for a single unit
applies. It has more power than the all-units test above: besides separating Uông Bí from each
other unit in one year or the other, it credits a unit that Uông Bí clearly overtook, judged by how
much the gap between the two changed (closed testing; see the methodology page on rank-change
tests). The three parts of the answer are the
score change (with its confidence interval), the rank change (with a one-sided lower confidence
bound at `confidence_level` on places gained, which is not one end of an interval at that level)
and, for context, the published ranks.
""",
    "no_change": """
## 5. Change on the year before

{year} is the first year of the DGI series in dgi_stats, so there is no earlier survey to compare
with.
""",
    "robust": """
## 6. Robustness: how much do the ranks depend on the weights?

The DGI adds its 8 dimensions with equal weights. Below, the ranks are computed again under other
weighting schemes: factor-analysis weights, benefit-of-the-doubt (each unit's most favourable
weights) and geometric aggregation. Then comes a joint **uncertainty analysis**, which draws the
weights (±25 % noise around equal weights), the aggregation and the survey's sampling error together
in one Monte Carlo. It gives each unit's median rank with a 5–95 % band (the 5th to 95th
percentiles of its rank over the runs: a descriptive band holding the middle 90 % of the runs, not
a confidence set). The Sobol sensitivity indices show which of these choices drives the rank
shifts.
""",
    "planning": """
## 7. Planning the next survey

**The change detectable next year.** A change in a unit's total smaller than the values below is
likely to be missed. The table gives the smallest true change that a test at level
1 − `confidence_level` detects with 80 % power, if next year's survey has the same design as this
one. It also gives the values for samples 2, 4 and 8 times as large (the same design with more
communes, villages and respondents). More communes raise the design's degrees of freedom; more
respondents in the same communes do not.
""",
    "planning_rise": """
**The design a rise like Uông Bí's needs.** Could a survey establish a rise of the published size
(the published change of Uông Bí's total, which took it from 6th to 1st)? Both years' SYNTHETIC
surveys are simulated with every unit drawn afresh (no unit held at its true score), each with its
own design standard errors and degrees of freedom, and the rank-change test is run on each pair.
The power is the share of 300 pairs in which the rise is established, printed with its Monte Carlo
standard error. This cell runs the current design; the grid of larger designs (more respondents
per village, more communes per unit) is the documented command of the methodology page on power.
""",
    "summary": """
## 8. Summary

The headline numbers, written to `summary.json` in `output_dir`. The file is identical on every run
with the same seed.
""",
}

VI_NARRATION: dict[str, str] = {
    "intro": """
# Chỉ số hiệu quả quản trị cấp huyện (DGI) {year}: báo cáo thống kê

Chỉ số hiệu quả quản trị cấp huyện (*District Governance Index*, DGI) của Quảng Ninh chấm điểm 13
đơn vị cấp huyện của tỉnh trên 8 lĩnh vực, mỗi lĩnh vực tối đa 10 điểm, từ một cuộc khảo sát người
dân; tổng điểm (tối đa 80) là tổng của 8 lĩnh vực và chỉ số tổng hợp là tổng điểm tính theo % của
80. Kết quả được công bố dưới dạng thứ hạng ("thứ 1/13"). Với 13 đơn vị, mỗi đơn vị được chấm từ vài
trăm người trả lời ở một số ít xã, và điểm số dồn sát mức trần, một thứ hạng công bố không kèm độ bất
định sẽ gây hiểu lầm. Báo cáo này trình bày, cho năm {year}:

1. các số liệu đã công bố, kèm nguồn, và kiểm tra phép tính của chỉ số;
2. cuộc khảo sát: mẫu của từng đơn vị, trọng số trước và sau khi điều chỉnh trọng số theo biên
   (raking), cỡ mẫu hiệu dụng, tỷ lệ không trả lời câu hỏi;
3. từng lĩnh vực, tổng điểm và chỉ số tổng hợp của từng đơn vị, kèm khoảng tin cậy;
4. thứ hạng cho biết được gì: tập tin cậy của thứ hạng, các nhóm đơn vị không phân biệt được với
   nhau, xác suất xếp thứ 1;
5. thay đổi so với năm trước (thay đổi điểm và kiểm định thay đổi thứ hạng cho mọi đơn vị);
6. thứ hạng phụ thuộc bao nhiêu vào việc gia quyền bằng nhau cho 8 lĩnh vực (độ vững);
7. lập kế hoạch: mức thay đổi mà một cuộc khảo sát có thể phát hiện, và cỡ mẫu cần cho mỗi đơn vị
   (số xã, quyết định bậc tự do của thiết kế, và số người trả lời).

Mọi con số dưới đây đều do một hàm của `dgi_stats` tính: notebook chỉ chứa lời giải thích và các
lệnh gọi. Chạy bằng `dgi-stats report {year} --lang vi` (HTML, `summary.json` và hình trong
`reports/{year}/`), hoặc mở trong Jupyter và chạy tất cả các ô.

**Dữ liệu.** Nếu không đặt `data_path`, cuộc khảo sát là **dữ liệu mô phỏng (TỔNG HỢP,
SYNTHETIC)** đi kèm dgi_stats: những người trả lời được mô phỏng sao cho điểm thực của họ tái tạo
mọi số liệu DGI đã công bố (phần còn lại là giả định). Vi dữ liệu của DGI không được công khai. Mọi
kết quả tính từ dữ liệu mô phỏng chỉ minh họa phương pháp. Đó không phải là kết quả DGI.

### Chạy báo cáo này trên dữ liệu chính thức

1. Xuất dữ liệu khảo sát, mỗi dòng một người trả lời, với các cột của bộ dữ liệu đi kèm:
   `district` (tên đơn vị; các cách viết như "TP Uông Bí" hay "uong bi" đều được nhận ra),
   `commune_id` (đơn vị mẫu cấp 1), `village_id`, `design_weight` (có thể thêm `nr_weight`, trọng
   số đã điều chỉnh cho việc không trả lời, được dùng khi có), `sex`, `age_group`, `ethnicity` và
   các câu hỏi `q...` của bảng đặc tả năm đó (liệt kê bằng
   `dgi_stats.datasets.load_spec({year}).item_ids`). Đọc được CSV (UTF-8), Parquet, SPSS `.sav` và
   Stata `.dta`. Kiểm tra tệp bằng `dgi-stats validate survey.csv --year {year}`.
2. Bảng đặc tả đi kèm dùng 8 lĩnh vực chính thức với một bảng hỏi minh họa, vì phụ lục chỉ tiêu
   chính thức (Quyết định 3447/QĐ-UBND) không được công khai. Để dùng định nghĩa chính thức, sửa tệp
   TOML `dgi_stats/datasets/specs/dgi_{year}.toml` (không cần sửa mã).
3. Để điều chỉnh trọng số theo biên (raking), cung cấp số người trưởng thành của tổng thể theo
   huyện × giới tính × nhóm tuổi × dân tộc (các cột `district`, `sex`, `age_group`, `ethnicity`,
   `adults`) làm `margins_path`. Nếu không có, trọng số trong tệp được dùng nguyên như vậy.
4. Chạy `dgi-stats report {year} --data survey.csv --margins margins.csv --out reports/{year}-official --lang vi`
   (phần thay đổi cần thêm năm trước: `--previous-data`, `--previous-margins`).
""",
    "published": """
## 1. Số liệu đã công bố năm {year}

DGI công bố thứ hạng và một số điểm mỗi năm trên báo chí của tỉnh. Đây là các số liệu đã công bố
của năm {year} và {prev} đi kèm dgi_stats (`load_published()`), mỗi số liệu kèm nguồn; số liệu
không tìm thấy trong các nguồn công khai thì không có (một dòng KHÔNG TÌM THẤY đánh dấu một chỗ
thiếu đã biết). Bảng tiếp theo kiểm tra phép tính của chỉ số trên các số liệu đó: tổng điểm là tổng
điểm của 8 lĩnh vực, và chỉ số tổng hợp là tổng điểm tính theo % của 80.
""",
    "design": """
## 2. Dữ liệu và thiết kế mẫu

Cuộc khảo sát được phân tích đúng như cách mẫu được chọn: mỗi đơn vị là một tầng, trong đó các xã
được chọn với xác suất tỷ lệ với quy mô, các thôn trong xã, người trưởng thành trong thôn. Một xã
được chọn chắc chắn (một xã lớn của một đơn vị nhỏ) không phải là một mẫu các xã: nó được tách
thành một tầng riêng, trong đó các thôn là đơn vị mẫu cấp 1, và hệ số hiệu chỉnh tổng thể hữu hạn
lấy từ dàn mẫu (số xã mỗi đơn vị, số thôn mỗi xã, số người trưởng thành mỗi thôn), như gói `survey`
của R khuyến nghị. Một tệp khảo sát không có các cột dàn mẫu được phân tích như thể các xã được
chọn có hoàn lại, làm phóng đại sai số chuẩn. Trọng số là nghịch đảo của xác suất chọn, đã điều
chỉnh cho việc đơn vị không trả lời. Phụ nữ và người lớn tuổi trả lời nhiều hơn những người khác,
nên trọng số sau đó được **điều chỉnh theo biên (raking)** về số người trưởng thành của tổng thể
theo đơn vị × giới tính × nhóm tuổi và theo đơn vị × dân tộc. Phương sai được tính bằng tuyến tính
hóa Taylor, có tính đến bước raking (như gói `survey` của R), trừ khi `variance` chọn cách khác.

**Các mức tin cậy dựa trên điều gì.** Mọi mức tin cậy và tỷ lệ sai lầm trong báo cáo này đều là
xấp xỉ. Chúng đúng khi thiết kế được khai báo là thiết kế thực sự dùng để chọn mẫu (các tầng, xã là
đơn vị mẫu cấp 1, các xã được chọn chắc chắn, tỷ lệ chọn mẫu) và khi trọng số phản ánh được việc
không trả lời. Khi đó khoảng tin cậy và tập thứ hạng dùng giá trị tới hạn theo bậc tự do của thiết
kế của từng đơn vị (số đơn vị mẫu cấp 1 trừ số tầng), không dùng giá trị của phân phối chuẩn; độ
bao phủ của chúng đã được kiểm tra bằng mô phỏng với 2, 5 và 10 bậc tự do. Mẫu của một đơn vị có
đủ hay không phụ thuộc vào số xã, vốn quyết định bậc tự do, chứ không phụ thuộc vào số người trả
lời; với 1 bậc tự do thì không tỷ lệ sai lầm nào đáng tin cậy.
""",
    "sample": """
**Mẫu của từng đơn vị.** Số người trả lời, số xã và số thôn. Tổng trọng số trước và sau khi
raking: sau raking, tổng trọng số bằng dân số trưởng thành của đơn vị. Cỡ mẫu hiệu dụng của Kish,
nhỏ hơn số người trả lời vì trọng số không đều. Hiệu ứng thiết kế do gia quyền. Số xã quan trọng
nhất: nó quyết định bậc tự do của thiết kế của đơn vị, giới hạn mức độ biết chính xác sai số chuẩn,
bất kể số người trả lời.
""",
    "raking": """
**Raking làm gì.** Tỷ lệ phụ nữ và người Kinh (%) trong mẫu, có gia quyền trước raking, có gia
quyền sau raking, và trong tổng thể. Sau raking, các tỷ lệ có gia quyền bằng tỷ lệ của tổng thể.
""",
    "nonresponse": """
**Không trả lời câu hỏi.** Các câu trả lời "không biết", từ chối trả lời và bỏ trống đều được đếm,
không bao giờ bị loại bỏ một cách âm thầm. Giá trị trung bình của mỗi chỉ tiêu được tính trên
những người đã trả lời chỉ tiêu đó. Các chỉ tiêu có nhiều câu trả lời bị thiếu nhất:
""",
    "results": """
## 3. Kết quả: điểm số kèm khoảng tin cậy

Từng lĩnh vực (0–10), tổng điểm (0–80) và chỉ số tổng hợp (%) của từng đơn vị. Mỗi ô ghi ước lượng
và, bên dưới, khoảng tin cậy của nó (`confidence_level`). Khoảng tin cậy dùng phân vị t với bậc tự
do hiệu dụng của từng ước lượng (bậc tự do Satterthwaite, qua các tầng của đơn vị: nhỏ hơn số xã
trừ một khi một tầng chiếm phần lớn phương sai), và được tính trên thang logit của vị trí điểm số
trong thang đo rồi chuyển ngược lại, để luôn nằm trong 0–10, 0–80 và 0–100 (gần mức trần chúng
không đối xứng).
""",
    "truth": """
**Chỉ với dữ liệu mô phỏng (TỔNG HỢP): biết được giá trị thực.** Bộ mô phỏng biết tổng điểm thực
của tổng thể ở mọi đơn vị, nên có thể đối chiếu các khoảng tin cậy với nó. Với dữ liệu thật thì
không thể có bảng này.
""",
    "ranks": """
## 4. Thứ hạng và độ bất định của thứ hạng

Một thứ hạng là một nhận định về cả 13 đơn vị cùng lúc, nên độ bất định của nó phụ thuộc vào sai
số chọn mẫu của mọi đơn vị. **Tập tin cậy của thứ hạng** của một đơn vị là khoảng các thứ hạng mà
dữ liệu không loại trừ được (Mogstad, Romano, Shaikh & Wilhelm, 2024, *Review of Economic
Studies*).

- Tập **riêng lẻ** chứa thứ hạng thực của đơn vị đó với xác suất ít nhất `confidence_level`. Dùng
  khi xem một đơn vị đã chọn từ trước.
- Các tập **đồng thời** chứa mọi thứ hạng thực cùng lúc. Dùng khi đọc cả bảng xếp hạng.

Cả hai mức đều là xấp xỉ, với các điều kiện nêu ở mục 2.

**Các nhóm hiệu quả** gom các đơn vị mà dữ liệu có thể sắp thứ tự. Với độ tin cậy đồng thời
`confidence_level`, mọi đơn vị của một nhóm tốt hơn mọi đơn vị của các nhóm bên dưới. Trong một
nhóm không khẳng định thứ tự nào. Đây là cách thay thế có cơ sở cho việc tô màu theo tứ phân vị của
các ước lượng điểm.

Xác suất xếp thứ 1 (hoặc trong 3 vị trí đầu) được tính từ các lần rút ngẫu nhiên của các ước
lượng. Nó mô tả độ bất định và không phải là một kiểm định.
""",
    "best": """
**Những đơn vị nào có thể là tốt nhất?** Đây là tập các đơn vị mà dữ liệu không loại trừ khỏi
thứ hạng 1, với độ tin cậy `confidence_level` (τ-best với τ = 1).
""",
    "sample_vs_published": """
**Vì sao thứ hạng từ mẫu khác thứ hạng đã công bố.** Thứ hạng trong các bảng trên được ước lượng
từ một mẫu: một cuộc khảo sát khác với cùng thiết kế sẽ cho điểm khác và thường cho thứ hạng khác,
trong phạm vi các tập tin cậy của thứ hạng. Với dữ liệu mô phỏng (TỔNG HỢP), điểm thực của tổng thể
được đặt bằng các số liệu đã công bố, nên mọi khác biệt giữa thứ hạng ước lượng và thứ hạng công
bố là sai số chọn mẫu của cuộc khảo sát mô phỏng, không phải là sai sót của số liệu công bố. Với dữ
liệu thật, bản thân thứ hạng đã công bố cũng chỉ là ước lượng điểm từ một cuộc khảo sát: nó có
cùng loại độ bất định, chỉ là không được công bố kèm theo.
""",
    "change": """
## 5. Thay đổi so với năm {prev}

Cuộc khảo sát năm {prev} được xử lý qua cùng quy trình như năm {year}. Hai năm là hai mẫu độc
lập, nên hiệp phương sai của một thay đổi là tổng hiệp phương sai của hai năm. Với dữ liệu đi kèm,
khảo sát năm {prev} là bộ đi kèm; với một tệp khảo sát (`data_path`), đó là tệp khảo sát năm {prev}
được cho bởi `previous_data_path` (`--previous-data`). Nếu không có, mục này nói rõ và không tính
gì: một tệp khảo sát không bao giờ được so sánh với dữ liệu mô phỏng (TỔNG HỢP) đi kèm.

Với mỗi đơn vị, kiểm định cho biết:

- thay đổi điểm kèm khoảng tin cậy, và giá trị p của nó (hiệu chỉnh Holm qua 13 đơn vị);
- thứ hạng trong hai năm;
- cận tin cậy dưới và cận tin cậy trên của số bậc tăng. Hai cận tạo thành một khoảng ở mức
  `confidence_level`, đồng thời cho mọi đơn vị, nên vẫn đúng cho các đơn vị "thay đổi" được chọn ra
  sau khi xem bảng: xác suất có bất kỳ nhận định sai "tăng" hay "giảm" nào trong cả bảng tối đa là
  1 − `confidence_level` (xấp xỉ, với các điều kiện của mục 2). Chỉ khẳng định một lần tăng hạng
  khi cận dưới ít nhất là 1, và một lần giảm hạng khi cận trên nhiều nhất là −1.
""",
    "uong_bi": """
### Việc Uông Bí tăng từ thứ 6 lên thứ 1 như đã công bố có thật không?

Nhận định đã công bố là về một đơn vị được **chỉ định từ trước**, nên áp dụng kiểm định cho một đơn
vị. Nó có lực kiểm định cao hơn kiểm định cho mọi đơn vị ở trên: ngoài việc tách Uông Bí khỏi từng
đơn vị khác ở một trong hai năm, nó còn tính một đơn vị mà Uông Bí đã vượt qua rõ ràng, dựa trên mức
thay đổi của khoảng cách giữa hai đơn vị (kiểm định đóng; xem trang phương pháp về kiểm định thay đổi
thứ hạng). Câu trả lời gồm ba phần: thay đổi
điểm (kèm khoảng tin cậy), thay đổi thứ hạng (kèm cận tin cậy dưới một phía ở mức
`confidence_level` của số bậc tăng, không phải là một đầu mút của khoảng ở mức đó) và, để tham
chiếu, các thứ hạng đã công bố.
""",
    "no_change": """
## 5. Thay đổi so với năm trước

{year} là năm đầu tiên của chuỗi DGI trong dgi_stats, nên không có cuộc khảo sát nào trước đó để
so sánh.
""",
    "robust": """
## 6. Độ vững: thứ hạng phụ thuộc bao nhiêu vào trọng số?

DGI cộng 8 lĩnh vực với trọng số bằng nhau. Dưới đây, thứ hạng được tính lại theo các cách gia
quyền khác: trọng số từ phân tích nhân tố, "lợi ích của nghi ngờ" (benefit of the doubt: trọng số
có lợi nhất cho từng đơn vị) và tổng hợp theo trung bình nhân. Tiếp theo là một **phân tích độ bất
định** kết hợp, rút ngẫu nhiên trọng số (nhiễu ±25 % quanh trọng số bằng nhau), cách tổng hợp và sai
số chọn mẫu của khảo sát cùng lúc trong một mô phỏng Monte Carlo. Nó cho thứ hạng trung vị của mỗi
đơn vị kèm dải 5–95 % (phân vị thứ 5 đến thứ 95 của thứ hạng qua các lần chạy: một dải mô tả chứa
90 % số lần chạy ở giữa, không phải tập tin cậy). Các chỉ số độ nhạy Sobol cho biết lựa chọn nào
trong số này gây ra sự dịch chuyển thứ hạng.
""",
    "planning": """
## 7. Lập kế hoạch cho cuộc khảo sát tiếp theo

**Mức thay đổi phát hiện được vào năm sau.** Một thay đổi tổng điểm của một đơn vị nhỏ hơn các giá
trị dưới đây nhiều khả năng sẽ bị bỏ sót. Bảng cho mức thay đổi thực nhỏ nhất mà một kiểm định ở
mức 1 − `confidence_level` phát hiện được với lực kiểm định 80 %, nếu khảo sát năm sau có cùng
thiết kế như năm nay. Bảng cũng cho các giá trị với mẫu lớn gấp 2, 4 và 8 lần (cùng thiết kế với
nhiều xã, thôn và người trả lời hơn). Nhiều xã hơn làm tăng bậc tự do của thiết kế; nhiều người trả
lời hơn trong cùng các xã thì không.
""",
    "planning_rise": """
**Thiết kế cần có để phát hiện một lần tăng hạng như của Uông Bí.** Một cuộc khảo sát có thể khẳng
định một lần tăng với quy mô đã công bố không (thay đổi tổng điểm đã công bố của Uông Bí, đưa đơn
vị này từ thứ 6 lên thứ 1)? Khảo sát mô phỏng (TỔNG HỢP) của cả hai năm được mô phỏng lại, mọi đơn
vị được rút mới (không đơn vị nào giữ ở điểm thực), mỗi năm với sai số chuẩn và bậc tự do của thiết
kế riêng, và kiểm định thay đổi thứ hạng được chạy trên từng cặp. Lực kiểm định là tỷ lệ trong 300
cặp mà lần tăng được khẳng định, in kèm sai số chuẩn Monte Carlo. Ô này chạy thiết kế hiện tại; lưới
các thiết kế lớn hơn (nhiều người trả lời hơn mỗi thôn, nhiều xã hơn mỗi đơn vị) là lệnh được mô tả
trong trang phương pháp về lực kiểm định.
""",
    "summary": """
## 8. Tóm tắt

Các con số chính, được ghi vào `summary.json` trong `output_dir`. Tệp này giống hệt nhau ở mọi lần
chạy với cùng hạt giống ngẫu nhiên (seed).
""",
}

EN_NARRATION["sample_vs_published"] = """
**Why the ranks in this report differ from the published ranks.** The ranks in the tables above are
estimated from one sample: another survey of the same design would give other scores and often
other ranks, within the rank confidence sets. With the SYNTHETIC survey, the true population
scores are set to the published figures, so every difference between an estimated rank and a
published rank is the sampling error of the simulated survey, not an error in the published
figures. With real data, the published ranks are themselves point estimates from one survey: they
carry the same kind of uncertainty, only it is not published with them.
"""

NARRATION: dict[str, dict[str, str]] = {"en": EN_NARRATION, "vi": VI_NARRATION}
