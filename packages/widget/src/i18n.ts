/**
 * Russian and English UI strings. Russian is the default: the people who set up a 1C node read Russian,
 * and 1C's own names (Статус заказа, ORDER_DELIVERY, "Номер по 1С") are quoted exactly as 1C shows them.
 */

const ru = {
	"common.loading": "Загрузка…",
	"common.refresh": "Обновить",
	"common.error": "Ошибка",
	"common.warning": "Внимание",
	"common.yes": "да",
	"common.no": "нет",
	"common.remove": "Удалить",
	"common.moveUp": "Выше",
	"common.moveDown": "Ниже",
	"common.noNode": "Не задан узел 1С (атрибут node-id).",

	"settings.title": "Обмен с 1С: настройки узла «{name}»",
	"settings.connection": "Подключение 1С",
	"settings.exchangeUrl": "Адрес для 1С (вставьте в поле «Адрес сайта» узла обмена)",
	"settings.copy": "Копировать адрес",
	"settings.copied": "Адрес скопирован",
	"settings.login": "Логин 1С",
	"settings.password": "Новый пароль 1С",
	"settings.passwordHelp": "Пароль задан и никогда не показывается. Введите новый, чтобы сменить его; пустое поле — пароль не меняется.",
	"settings.generate": "Сгенерировать пароль",
	"settings.passwordGenerated": "Новый пароль будет сохранён вместе с настройками. Скопируйте его в 1С сейчас — потом его не увидеть.",
	"settings.export": "Выгрузка заказов в 1С (mode=query)",
	"settings.import": "Загрузка из 1С (mode=file / import)",
	"settings.format": "Формат файла",
	"settings.save": "Сохранить",
	"settings.reset": "Отменить изменения",
	"settings.saved": "Настройки сохранены",
	"settings.unsaved": "Есть несохранённые изменения",
	"settings.invalid": "Исправьте ошибки в отмеченных полях ({count})",
	"settings.confirmDiscard": "Есть несохранённые изменения. Отменить их?",

	"field.shipping": "Доставка отдельной услугой",
	"field.shipping.none": "не выгружать",
	"field.shipping.paid": "только платную (стоимость > 0)",
	"field.shipping.always": "всегда, в том числе бесплатную",
	"help.shipping":
		"Стоимость доставки уходит в 1С отдельной строкой-услугой с Ид ORDER_DELIVERY (ТипНоменклатуры = Услуга). Без неё сумма заказа в 1С будет меньше суммы на сайте.",
	"field.exportOptions": "Выгружать опции товаров",
	"help.exportOptions":
		"Выбранные покупателем опции (цвет, размер) уходят в 1С как характеристики строки. Включайте, только если в 1С ведётся учёт по характеристикам.",
	"field.exportFromNumber": "Выгружать заказы начиная с номера",
	"help.exportFromNumber":
		"Заказы с меньшим номером в 1С не попадут. Пусто — выгружать все. Удобно при подключении к 1С магазина со старой историей.",
	"field.exportStatuses": "Выгружать статусы заказов",
	"help.exportStatuses":
		"Передаёт реквизиты «Статус заказа» (текст из таблицы ниже) и «Статуса заказа ИД» (код статуса магазина). 1С ищет статус по точному тексту в таблице соответствия статусов узла; не найден — ставит «Не согласован».",
	"field.exportStatusFilter": "Выгружать заказы в статусах",
	"help.exportStatusFilter": "Ни одного не выбрано — выгружаются заказы в любом статусе.",
	"field.exportStatusFilter.none": "Статусы ещё не встречались в заказах.",
	"field.statusMapExport": "Соответствие статусов: сайт → 1С",
	"help.statusMapExport":
		"Какой текст отправлять в «Статус заказа» для статуса магазина. Он должен в точности совпадать со строкой таблицы «Соответствие статусов заказов» в узле 1С, иначе 1С поставит «Не согласован». Статус без строки отправляется как есть.",
	"field.statusMapExport.from": "Статус магазина",
	"field.statusMapExport.to": "Статус в 1С",
	"field.statusMapExport.add": "Добавить соответствие",
	"field.importStatuses": "Загружать статусы из 1С",
	"help.importStatuses":
		"Когда 1С присылает заказ обратно (оплачен, отгружен, отменён, новый статус), статус в магазине меняется по правилам ниже.",
	"field.statusMapImport": "Правила статусов: 1С → сайт",
	"help.statusMapImport":
		"Правила проверяются по порядку, срабатывает последнее подходящее. Для флагов значение — да/нет; для статуса — точный текст статуса 1С (пусто — любой).",
	"field.statusMapImport.on": "Когда в 1С",
	"field.statusMapImport.value": "Значение (статус 1С — точный текст)",
	"field.statusMapImport.status": "Статус магазина",
	"field.statusMapImport.add": "Добавить правило",
	"trigger.paid": "заказ оплачен",
	"trigger.shipped": "заказ отгружен",
	"trigger.cancelled": "заказ отменён",
	"trigger.posted": "документ проведён",
	"trigger.status": "статус заказа равен",
	"field.cancelledStatuses": "Статусы, означающие «Отменен»",
	"help.cancelledStatuses":
		"Для заказов в этих статусах выгружается реквизит «Отменен» = true — 1С отменит строки заказа с причиной из настроек узла.",
	"field.finalStatuses": "Финальные статусы",
	"help.finalStatuses": "Для заказов в этих статусах выгружается реквизит «Финальный статус» = true.",
	"field.webhookUrl": "Webhook: адрес для уведомлений об изменениях",
	"help.webhookUrl":
		"Сюда сервер отправляет POST JSON, когда 1С меняет заказ этого узла. Пусто — не отправлять. Ошибки webhook не мешают обмену с 1С.",
	"settings.oneC": "Какая 1С на другой стороне",
	"field.configuration": "Конфигурация 1С",
	"field.configuration.ut": "УТ 11, КА 2, ERP, BAS",
	"field.configuration.retail": "Розница 2",
	"field.configuration.unf": "УНФ 3.0 и 1.6",
	"field.configuration.bp": "Бухгалтерия предприятия 3.0",
	"help.configuration":
		"От неё зависят номера заказов в выгрузке (УТ и Розница сравнивают 11 символов, БП — первые 6 цифр и заглавных букв), строки с опциями (#), НДС и детали передачи. Выберите конфигурацию, указанную в «О программе» 1С.",
	"field.configuration.menu": "Где в 1С:",
	"menu.ut":
		"НСИ и администрирование → Настройка интеграции → Обмен с сайтом → «Настройки обмена с сайтом» (узел обмена, флажок «Обмен заказами»)",
	"menu.retail": "Администрирование → Обмен с сайтом → «Настройки обмена с сайтом» (узел обмена)",
	"menu.unf": "Настройки → Интеграции → Обмен с сайтом (или CRM → Каналы продаж → Обмен с сайтом)",
	"menu.bp": "Администрирование → Настройки программы → Настройки обмена с интернет-магазином",
	"field.applyOnUpload": "Применять файл из 1С, не дожидаясь mode=import",
	"field.applyOnUpload.complete": "да, как только файл получен целиком",
	"field.applyOnUpload.never": "нет, только по mode=import",
	"help.applyOnUpload":
		"УНФ без протокола «1С-Битрикс» и флажка «Обмениваться оплатами и отгрузками, введенными на основании заказа», УНФ 1.6.4–1.6.10 всегда, УТ/КА/ERP с флажком «Выгружать файлы без ожидания подтверждения импорта сервером» не вызывают mode=import и после отправки снимают регистрацию изменений. «Да» — Obmen применяет полностью полученный файл сам (незавершённый — никогда), иначе статусы, оплаты и отгрузки из такой 1С теряются. Поздний mode=import того же файла получает success.",
	"field.vat": "НДС в строках заказа",
	"field.vat.auto": "из товара (vatRate); без ставки — не указывать",
	"field.vat.none": "«Без НДС» во всех строках",
	"field.vat.rate": "{rate} % — строкам без своей ставки",
	"help.vat":
		"Цены всегда передаются с НДС внутри (Налог НДС, УчтеноВСумме = true), поэтому 1С не начисляет налог сверху и суммы совпадают с сайтом. УТ до 11.5.20 и УНФ 3.0.8 знают ставки 0, 10, 18, 20; ставку 22 % читает БП 3.0.198.",
	"warn.vatUnreadable":
		"{config} может не знать ставку {rate} %: какие ставки читает каждый релиз 1С — в разделе «НДС» руководства docs/1c-setup.ru.md.",
	"warn.vatNoneRetail":
		"Розница 2.2 переводит ставку в число: «Без НДС» в строке прерывает загрузку заказов. Для Розницы выберите ставку или «из товара».",
	"settings.notify": "Уведомления",
	"flag.true": "да",
	"flag.false": "нет",
	"field.statusMapImport.any": "любой",
	"field.createOrdersFrom1C": "Создавать заказы, заведённые в 1С",
	"help.createOrdersFrom1C":
		"Если 1С присылает заказ, которого нет на сайте, он будет создан. Выключено — такие документы пропускаются и пишутся в журнал.",
	"field.encoding": "Кодировка",
	"help.encoding": "windows-1251 понимают все версии 1С и модуль обмена Битрикс; UTF-8 — УТ 11, КА 2, ERP.",
	"field.schemaVersion": "Версия схемы CommerceML",
	"help.schemaVersion": "Должна совпадать с версией формата в узле 1С. С 2.07 выгружается «Номер1С» для уже известных 1С заказов.",
	"field.zip": "Принимать файлы из 1С в zip",
	"help.zip": "Ответ на mode=init: zip=yes. 1С сжимает выгрузку — меньше трафика и времени.",
	"field.fileLimit": "Максимальный размер части файла, байт",
	"help.fileLimit": "Ответ на mode=init: file_limit. 1С режет файлы больше этого размера на части. Не меньше 1024; по умолчанию 8 МиБ.",
	"field.batchSize": "Заказов за один обмен",
	"help.batchSize": "Сколько заказов отдаётся на один mode=query. Остальные уйдут в следующем сеансе, ничего не теряется.",

	"err.required": "Заполните поле",
	"err.fileLimitMin": "Не меньше 1024 байт",
	"err.integer": "Введите целое число",
	"err.batchSizeRange": "От 1 до 10000",
	"err.url": "Адрес должен начинаться с http:// или https://",
	"err.login": "Без пробелов и двоеточий (HTTP Basic)",
	"err.duplicate": "Этот статус уже указан выше",
	"err.numberTooLong": "Не длиннее 40 символов",
	"err.passwordShort": "Не короче 6 символов",

	"preview.title": "Что получит 1С при следующей выгрузке",
	"preview.note": "Просмотр ничего не меняет: эти заказы по-прежнему уйдут в 1С при следующем обмене.",
	"preview.count": "Заказов: {count}. Кодировка: {encoding}. Схема: {schemaVersion}.",
	"preview.empty": "Новых и изменённых заказов для выгрузки нет.",
	"preview.number": "Номер",
	"preview.date": "Дата",
	"preview.buyer": "Покупатель",
	"preview.total": "Сумма",
	"preview.status": "Статус",
	"preview.lines": "Строк",
	"preview.warnings": "Предупреждения",
	"warning.NUMBER_TOO_LONG":
		"Номер длиннее {max} символов ({length}): 1С УТ 11 не найдёт заказ по номеру и при каждой повторной выгрузке создаст дубль",
	"warning.ORDER_DISCOUNT_EXCEEDS_LINES":
		"Скидка на заказ {discount} больше суммы строк {lines}: 1С собирает заказ из строк, и его сумма не совпадёт с суммой на сайте",
	"warning.NUMBER_ALIASED":
		"Номер {number} уходит в 1С как {exported}: конфигурация узла обрезала бы его или совместила бы с другим заказом; 1С возвращает этот номер, Obmen сопоставляет его с заказом",
	"warning.NUMBER_CUT":
		"Заказ уже выгружен с номером длиннее {max} символов ({length}): 1С обрезает его и при повторной выгрузке может создать дубль",
	"warning.NUMBER_KEY_SHARED":
		"Заказ уже выгружен с номером, ключ которого в БП ({key}) совпадает с заказом {orderId}: БП ведёт один счёт на оба",
	"preview.xml": "XML для 1С",
	"preview.wrap": "Переносить длинные строки",
	"preview.download": "Скачать XML ({charset})",
	"preview.truncated": "Подсветка отключена: файл больше {size}.",

	"journal.title": "Журнал обмена",
	"journal.errorsOnly": "Только ошибки",
	"journal.autoRefresh": "Автообновление (каждые {s} с)",
	"journal.empty": "Обменов ещё не было.",
	"journal.session": "Сеанс 1С {session}",
	"journal.noSession": "Без сеанса",
	"journal.sessionSummary": "запросов: {count}, заказов отправлено: {sent}, подтверждено: {ack}, загружено: {imported}",
	"journal.sessionErrors": "ошибок: {count}",
	"journal.at": "Время",
	"journal.mode": "Режим",
	"journal.file": "Файл",
	"journal.bytes": "Байт (вход / выход)",
	"journal.reply": "Ответ",
	"journal.duration": "Длительность",
	"journal.orders": "Заказы (отпр. / подтв. / загр.)",
	"journal.error": "Ошибка",
	"journal.more": "Показать более ранние",
	"journal.updated": "Обновлено {time}",
};

/** A key of the UI dictionary. */
export type MessageKey = keyof typeof ru;

const en: Record<MessageKey, string> = {
	"common.loading": "Loading…",
	"common.refresh": "Refresh",
	"common.error": "Error",
	"common.warning": "Warning",
	"common.yes": "yes",
	"common.no": "no",
	"common.remove": "Remove",
	"common.moveUp": "Up",
	"common.moveDown": "Down",
	"common.noNode": "No 1C node set (node-id attribute).",

	"settings.title": "1C exchange: settings of node “{name}”",
	"settings.connection": "1C connection",
	"settings.exchangeUrl": "URL for 1C (paste into the exchange node's “Адрес сайта” field)",
	"settings.copy": "Copy URL",
	"settings.copied": "URL copied",
	"settings.login": "1C login",
	"settings.password": "New 1C password",
	"settings.passwordHelp": "A password is set and is never shown. Type a new one to change it; leave empty to keep it.",
	"settings.generate": "Generate password",
	"settings.passwordGenerated": "The new password is saved with the settings. Copy it into 1C now — it cannot be shown later.",
	"settings.export": "Orders to 1C (mode=query)",
	"settings.import": "From 1C (mode=file / import)",
	"settings.format": "File format",
	"settings.save": "Save",
	"settings.reset": "Discard changes",
	"settings.saved": "Settings saved",
	"settings.unsaved": "You have unsaved changes",
	"settings.invalid": "Fix the errors in the marked fields ({count})",
	"settings.confirmDiscard": "You have unsaved changes. Discard them?",

	"field.shipping": "Shipping as a separate service line",
	"field.shipping.none": "never",
	"field.shipping.paid": "only when paid (cost > 0)",
	"field.shipping.always": "always, free shipping too",
	"help.shipping":
		"The shipping cost goes to 1C as a separate service line with Ид ORDER_DELIVERY (ТипНоменклатуры = Услуга). Without it the order total in 1C is lower than on the site.",
	"field.exportOptions": "Export product options",
	"help.exportOptions":
		"Options the buyer chose (colour, size) go to 1C as line characteristics. Turn on only if 1C tracks stock by characteristics.",
	"field.exportFromNumber": "Export orders starting from number",
	"help.exportFromNumber":
		"Orders with a lower number never go to 1C. Empty = all orders. Useful when connecting a shop with a long history.",
	"field.exportStatuses": "Export order statuses",
	"help.exportStatuses":
		"Sends the requisites “Статус заказа” (the text from the table below) and “Статуса заказа ИД” (the store status code). 1C looks the status up by exact text in the node's status mapping table; no match gives “Не согласован”.",
	"field.exportStatusFilter": "Export orders in statuses",
	"help.exportStatusFilter": "None selected = orders in any status are exported.",
	"field.exportStatusFilter.none": "No statuses seen in orders yet.",
	"field.statusMapExport": "Status mapping: site → 1C",
	"help.statusMapExport":
		"Which text to send in “Статус заказа” for a store status. It must match a row of the 1C node's “Соответствие статусов заказов” table exactly, or 1C sets “Не согласован”. Unmapped statuses are sent as is.",
	"field.statusMapExport.from": "Store status",
	"field.statusMapExport.to": "1C status",
	"field.statusMapExport.add": "Add mapping",
	"field.importStatuses": "Import statuses from 1C",
	"help.importStatuses": "When 1C sends an order back (paid, shipped, cancelled, new status), the store status changes by the rules below.",
	"field.statusMapImport": "Status rules: 1C → site",
	"help.statusMapImport":
		"Rules are checked in order; the last matching rule wins. For flags the value is yes/no; for the status, the exact 1C status text (empty = any).",
	"field.statusMapImport.on": "When in 1C",
	"field.statusMapImport.value": "Value (1C status — exact text)",
	"field.statusMapImport.status": "Store status",
	"field.statusMapImport.add": "Add rule",
	"trigger.paid": "order is paid",
	"trigger.shipped": "order is shipped",
	"trigger.cancelled": "order is cancelled",
	"trigger.posted": "document is posted",
	"trigger.status": "order status equals",
	"field.cancelledStatuses": "Statuses that mean “Отменен”",
	"help.cancelledStatuses":
		"Orders in these statuses are sent with the requisite “Отменен” = true — 1C cancels the order lines with the reason set in the node.",
	"field.finalStatuses": "Final statuses",
	"help.finalStatuses": "Orders in these statuses are sent with the requisite “Финальный статус” = true.",
	"field.webhookUrl": "Webhook: URL for change notifications",
	"help.webhookUrl":
		"The server POSTs JSON here when 1C changes an order of this node. Empty = off. Webhook failures never block the 1C exchange.",
	"settings.oneC": "Which 1C is on the other side",
	"field.configuration": "1C configuration",
	"field.configuration.ut": "УТ 11, КА 2, ERP, BAS",
	"field.configuration.retail": "Розница 2",
	"field.configuration.unf": "УНФ 3.0 and 1.6",
	"field.configuration.bp": "Бухгалтерия предприятия 3.0",
	"help.configuration":
		"Drives the exported order numbers (УТ and Розница compare 11 characters, БП the first 6 digits and capital letters), order lines with options (#), VAT and transport details. Pick the configuration shown in 1C's «О программе».",
	"field.configuration.menu": "In 1C:",
	"menu.ut":
		"НСИ и администрирование → Настройка интеграции → Обмен с сайтом → «Настройки обмена с сайтом» (the exchange node, «Обмен заказами» on)",
	"menu.retail": "Администрирование → Обмен с сайтом → «Настройки обмена с сайтом» (the exchange node)",
	"menu.unf": "Настройки → Интеграции → Обмен с сайтом (or CRM → Каналы продаж → Обмен с сайтом)",
	"menu.bp": "Администрирование → Настройки программы → Настройки обмена с интернет-магазином",
	"field.applyOnUpload": "Apply a file from 1C without waiting for mode=import",
	"field.applyOnUpload.complete": "yes, as soon as the whole file has arrived",
	"field.applyOnUpload.never": "no, only on mode=import",
	"help.applyOnUpload":
		"УНФ without the «1С-Битрикс» protocol and «Обмениваться оплатами и отгрузками, введенными на основании заказа», УНФ 1.6.4–1.6.10 always, and УТ/КА/ERP with «Выгружать файлы без ожидания подтверждения импорта сервером» never call mode=import and clear their change registration after sending. “Yes”: Obmen applies a completely received file itself (an incomplete one never); otherwise statuses, payments and shipments from such a 1C are lost. A later mode=import of the same file gets success.",
	"field.vat": "VAT on order lines",
	"field.vat.auto": "from the item (vatRate); none given — no rate",
	"field.vat.none": "«Без НДС» on every line",
	"field.vat.rate": "{rate} % on lines without their own rate",
	"help.vat":
		"Prices are always sent with VAT included (tax НДС, УчтеноВСумме = true), so 1C never adds VAT on top and its totals match the store's. УТ up to 11.5.20 and УНФ 3.0.8 know the rates 0, 10, 18, 20; 22 % is read by БП 3.0.198.",
	"warn.vatUnreadable":
		"{config} may not know the rate {rate} %: which rates each 1C release reads is in the “VAT” section of docs/1c-setup.md.",
	"warn.vatNoneRetail":
		"Розница 2.2 converts the rate to a number: «Без НДС» on a line aborts the order load. For Розница pick a rate or “from the item”.",
	"settings.notify": "Notifications",
	"flag.true": "yes",
	"flag.false": "no",
	"field.statusMapImport.any": "any",
	"field.createOrdersFrom1C": "Create orders entered in 1C",
	"help.createOrdersFrom1C": "If 1C sends an order the site does not know, it is created. Off = such documents are skipped and logged.",
	"field.encoding": "Encoding",
	"help.encoding": "windows-1251 is read by every 1C version and the Bitrix exchange module; UTF-8 by УТ 11, КА 2, ERP.",
	"field.schemaVersion": "CommerceML schema version",
	"help.schemaVersion": "Must match the format version in the 1C node. From 2.07 on, “Номер1С” is sent for orders 1C already knows.",
	"field.zip": "Accept zipped files from 1C",
	"help.zip": "Answer to mode=init: zip=yes. 1C compresses its upload — less traffic and time.",
	"field.fileLimit": "Maximum file part size, bytes",
	"help.fileLimit": "Answer to mode=init: file_limit. 1C splits larger files into parts. At least 1024; default 8 MiB.",
	"field.batchSize": "Orders per exchange",
	"help.batchSize": "How many orders one mode=query returns. The rest go in the next session; nothing is lost.",

	"err.required": "This field is required",
	"err.fileLimitMin": "At least 1024 bytes",
	"err.integer": "Enter a whole number",
	"err.batchSizeRange": "From 1 to 10000",
	"err.url": "The URL must start with http:// or https://",
	"err.login": "No spaces or colons (HTTP Basic)",
	"err.duplicate": "This status is already listed above",
	"err.numberTooLong": "At most 40 characters",
	"err.passwordShort": "At least 6 characters",

	"preview.title": "What 1C gets on the next export",
	"preview.note": "The preview changes nothing: these orders still go to 1C on the next exchange.",
	"preview.count": "Orders: {count}. Encoding: {encoding}. Schema: {schemaVersion}.",
	"preview.empty": "No new or changed orders to export.",
	"preview.number": "Number",
	"preview.date": "Date",
	"preview.buyer": "Buyer",
	"preview.total": "Total",
	"preview.status": "Status",
	"preview.lines": "Lines",
	"preview.warnings": "Warnings",
	"warning.NUMBER_TOO_LONG":
		"Номер longer than {max} characters ({length}): 1C УТ 11 will not find the order by its number and will create a duplicate on every resend",
	"warning.ORDER_DISCOUNT_EXCEEDS_LINES":
		"Order discount {discount} is larger than the lines' sum {lines}: 1C builds the order from its lines, so its total will not match the store's",
	"warning.NUMBER_ALIASED":
		"Номер {number} goes to 1C as {exported}: the node's configuration would cut it or merge it with another order; 1C sends this number back and Obmen maps it to the order",
	"warning.NUMBER_CUT":
		"Already exported with a number longer than {max} characters ({length}): 1C cuts it and may create a duplicate on a resend",
	"warning.NUMBER_KEY_SHARED": "Already exported with a number whose БП key ({key}) order {orderId} shares: БП keeps one invoice for both",
	"preview.xml": "XML for 1C",
	"preview.wrap": "Wrap long lines",
	"preview.download": "Download XML ({charset})",
	"preview.truncated": "Highlighting is off: the file is larger than {size}.",

	"journal.title": "Exchange journal",
	"journal.errorsOnly": "Errors only",
	"journal.autoRefresh": "Auto-refresh (every {s} s)",
	"journal.empty": "No exchanges yet.",
	"journal.session": "1C session {session}",
	"journal.noSession": "No session",
	"journal.sessionSummary": "requests: {count}, orders sent: {sent}, acknowledged: {ack}, imported: {imported}",
	"journal.sessionErrors": "errors: {count}",
	"journal.at": "Time",
	"journal.mode": "Mode",
	"journal.file": "File",
	"journal.bytes": "Bytes (in / out)",
	"journal.reply": "Reply",
	"journal.duration": "Duration",
	"journal.orders": "Orders (sent / ack / imported)",
	"journal.error": "Error",
	"journal.more": "Show older",
	"journal.updated": "Updated {time}",
};

/** Supported UI languages. */
export type Lang = "ru" | "en";

/** The dictionaries, exported for tests that check both languages have the same keys. */
export const messages: Record<Lang, Record<MessageKey, string>> = { ru, en };

/** Picks the UI language from a `lang` attribute value ("en", "en-GB" → en; anything else → ru). */
export function resolveLang(value: string | null | undefined): Lang {
	return value?.toLowerCase().startsWith("en") ? "en" : "ru";
}

/** Translates a key and fills `{name}` placeholders. */
export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
	const text = messages[lang][key];
	return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
